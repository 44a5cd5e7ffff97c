import Foundation

/// The kinds of run report.
public enum ReportKind: String, CaseIterable, Sendable {
    case json, junit, html
}

/// The figures printed at the end of a run and written to the reports.
public struct RunSummary: Sendable {
    public var counts: [LaunchResult: Int]
    public var launches: Int
    public var seconds: Double
    public var p50: Double?
    public var p95: Double?
    public var max: Double?

    public init(counts: [LaunchResult: Int], launches: Int, seconds: Double, latencies sorted: [Double]) {
        self.counts = counts
        self.launches = launches
        self.seconds = seconds
        p50 = Self.percentile(sorted, 0.5)
        p95 = Self.percentile(sorted, 0.95)
        max = sorted.last
    }

    public var perSecond: Double { seconds > 0 ? Double(launches) / seconds : 0 }

    /// The `p` quantile (0...1) of `sorted`, nearest rank.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        sorted.isEmpty ? nil : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    public var json: JSONValue {
        var object: [JSONValue.Member] = LaunchResult.allCases.map { .init($0.rawValue, .integer(counts[$0] ?? 0)) }
        object += [
            .init("launches", .integer(launches)), .init("seconds", .number(FixedPoint.three(seconds))),
            .init("per_second", .number(String(format: "%.1f", perSecond))),
            .init("p50_ms", p50.map { .number(FixedPoint.three($0)) } ?? .null),
            .init("p95_ms", p95.map { .number(FixedPoint.three($0)) } ?? .null),
            .init("max_ms", max.map { .number(FixedPoint.three($0)) } ?? .null),
        ]
        return .object(object)
    }
}

/// The report formats. JSON: `{"run": N, "launches": [...one object per launch...], "summary": {...}}`.
/// JUnit: a testsuite with a testcase per launch and a failure for each launch not ok. HTML: see `HTMLReport`
/// (its finished opening needs the run's figures, which `HTMLReport.opening` takes).
public enum RunReportFormat {
    /// What a JUnit header counts.
    public struct Totals: Sendable {
        public var counts: [LaunchResult: Int]
        /// Positions of the run never attempted (it stopped before them): one failing test case says so.
        public var notAttempted: Int
        public var seconds: Double

        public init(counts: [LaunchResult: Int], notAttempted: Int, seconds: Double) {
            self.counts = counts
            self.notAttempted = notAttempted
            self.seconds = seconds
        }
    }

    public static func header(_ kind: ReportKind, run: Int64, totals: Totals?) -> String {
        switch kind {
        case .html:
            return HTMLReport.liveOpening(run: run)
        case .json:
            return "{\"run\":\(run),\"launches\":["
        case .junit:
            let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            // While the run goes its counts are not known: the rewrite at its end adds them.
            guard let totals else { return xml + "<testsuites>\n  <testsuite name=\"salvo run \(run)\">\n" }
            let counts = totals.counts
            let stopped = totals.notAttempted > 0 ? 1 : 0
            let tests = counts.values.reduce(0, +) + stopped
            let failures = (counts[.rejected] ?? 0) + (counts[.notSent] ?? 0) + (counts[.unknown] ?? 0) + stopped
            let skipped = counts[.skipped] ?? 0
            return xml + "<testsuites tests=\"\(tests)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
                + "  <testsuite name=\"salvo run \(run)\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" "
                + "skipped=\"\(skipped)\" time=\"\(FixedPoint.three(totals.seconds))\">\n"
        }
    }

    /// The `number`th launch's record (from 0); `at` is when it was first tried (nil while the run goes: the
    /// rewrite at its end has it).
    public static func record(
        _ kind: ReportKind, id: Int64, attempt: LaunchAttempt, outcome: LaunchOutcome, at: String?, number: Int
    ) -> String {
        switch kind {
        case .json:
            (number == 0 ? "\n" : ",\n")
                + LaunchJSON(id: id, attempt: attempt, outcome: outcome, at: at).placed(attempt).json.compact
        case .junit: junit(attempt: attempt, outcome: outcome)
        case .html: HTMLReport.row(id: id, attempt: attempt, outcome: outcome, number: number)
        }
    }

    public static func footer(_ kind: ReportKind, run: Int64, summary: RunSummary, notAttempted: Int) -> String {
        switch kind {
        case .html:
            return HTMLReport.end()
        case .json:
            let figures = summary.json.setting("not_attempted", to: .integer(notAttempted))
            return "\n],\"summary\":\(figures.compact)}\n"
        case .junit:
            let stopped =
                notAttempted == 0
                ? ""
                : "    <testcase classname=\"salvo\" name=\"\(notAttempted) launch(es) not attempted\" time=\"0.000\">"
                    + "<failure type=\"not-attempted\" message=\"the run stopped before them; "
                    + "salvo run --resume \(run) sends them\"/></testcase>\n"
            return stopped + "  </testsuite>\n</testsuites>\n"
        }
    }

    public static func junit(attempt: LaunchAttempt, outcome: LaunchOutcome) -> String {
        let name =
            attempt.requestName + (attempt.dataRow.map { " row \($0)" } ?? "")
            + (attempt.iteration.map { $0 > 1 ? " iteration \($0)" : "" } ?? "")
        var element =
            "    <testcase classname=\"\(escape(attempt.environment)).\(escape(attempt.requestName))\" "
            + "name=\"\(escape(name))\" time=\"\(FixedPoint.three(outcome.durationMilliseconds / 1000))\">"
        switch outcome.result {
        case .ok: break
        case .skipped:
            element += "<skipped message=\"\(escape(outcome.transportError ?? "skipped"))\"/>"
        default:
            let message = [
                outcome.httpStatus.map { "HTTP \($0)" }, outcome.errorText ?? outcome.transportError,
            ].compactMap { $0 }.joined(separator: ": ")
            element += "<failure type=\"\(outcome.result.rawValue)\" message=\"\(escape(message))\"/>"
        }
        return element + "</testcase>\n"
    }

    /// Text made safe in XML or HTML, inside an element or an attribute: markup characters escaped, control
    /// characters shown escaped as tables show them (`ControlCharacters`); line breaks and tabs kept, a line
    /// break written as `&#10;` when `keepingLines` is false, so that an attribute keeps it.
    public static func escape(_ text: String, keepingLines: Bool = false) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n": escaped += keepingLines ? "\n" : "&#10;"
            case "\t": escaped += "\t"
            case _ where ControlCharacters.isControl(scalar): escaped += ControlCharacters.escaped(scalar)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
