import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStore

/// The kinds of run report.
enum ReportKind: String, CaseIterable {
    case json, junit
}

/// Where one report goes: `--report KIND=FILE`, or `salvo report RUN --format KIND --out FILE`.
struct ReportTarget {
    var kind: ReportKind
    var output: OutputPath

    /// Parses `KIND=FILE` (`-` for standard output).
    static func parse(_ text: String) throws -> ReportTarget {
        let (kind, file) = try FlagParsing.keyValue(text, flag: "--report")
        guard let reportKind = ReportKind(rawValue: kind), !file.isEmpty else {
            throw InputError("--report '\(text)' must be json=FILE or junit=FILE (- for standard output)")
        }
        return ReportTarget(kind: reportKind, output: OutputPath(path: file))
    }
}

/// A report written as its run goes: every launch that ended is on disk within about a second (whole records
/// only), so a killed run leaves a report of what it did. Only regular files are written this way; at the end of
/// the run `RunReportBuilder` rewrites every report whole from the ledger.
final class LiveReport: @unchecked Sendable {
    private let kind: ReportKind
    private let file: OutputFile
    private var first = true

    init(_ target: ReportTarget, run: Int64) throws {
        kind = target.kind
        file = try target.output.open()
        file.write(RunReportFormat.header(kind, run: run, totals: nil))
        file.flush()
    }

    func add(_ launch: FinishedLaunch) {
        file.write(
            RunReportFormat.record(kind, id: launch.id, attempt: launch.attempt, outcome: launch.outcome, first: first))
        first = false
    }

    /// Hands what is buffered to the system.
    func flush() { file.flush() }

    func close() throws { try file.close() }
}

/// Writes a run's reports from the ledger: the whole run, however many times it was resumed.
struct RunReportBuilder {
    let store: Store

    func write(_ target: ReportTarget, run: Int64) throws {
        let info = try store.run(id: run)
        let launched = info.counts.values.reduce(0, +)
        let planned = RunRecord(selection: info.selection, settings: info.settings, environment: info.environment)
            .planned
        let notAttempted = max(0, (planned ?? launched) - launched)
        let file = try target.output.open()
        let totals = RunReportFormat.Totals(
            counts: info.counts, notAttempted: notAttempted, seconds: Self.seconds(info))
        file.write(RunReportFormat.header(target.kind, run: run, totals: totals))
        var durations: [Double] = []
        var first = true
        try store.forEachLaunch(ofRun: run) { id, attempt, outcome in
            let outcome =
                outcome
                ?? LaunchOutcome(result: .unknown, transportError: "no answer was recorded (the run was stopped)")
            if outcome.result != .skipped { durations.append(outcome.durationMilliseconds) }
            file.write(RunReportFormat.record(target.kind, id: id, attempt: attempt, outcome: outcome, first: first))
            first = false
        }
        durations.sort()
        let summary = RunSummary(
            counts: info.counts, launches: launched, seconds: totals.seconds,
            p50: RunSummary.percentile(durations, 0.5), p95: RunSummary.percentile(durations, 0.95),
            max: durations.last)
        file.write(RunReportFormat.footer(target.kind, run: run, summary: summary, notAttempted: notAttempted))
        try file.close()
    }

    /// From the run's start to its end (or to now, while it runs).
    private static func seconds(_ info: RunInfo) -> Double {
        let now = Date()
        guard let start = try? Timestamp.parse(info.startedAt, now: now) else { return 0 }
        let end = info.finishedAt.flatMap { try? Timestamp.parse($0, now: now) } ?? now
        return max(0, end.timeIntervalSince(start))
    }
}

/// The report formats. JSON: `{"run": N, "launches": [...one object per launch...], "summary": {...}}`.
/// JUnit: a testsuite with a testcase per launch and a failure for each launch not ok.
enum RunReportFormat {
    /// What a JUnit header counts.
    struct Totals {
        var counts: [LaunchResult: Int]
        /// Positions of the run never attempted (it stopped before them): one failing test case says so.
        var notAttempted: Int
        var seconds: Double
    }

    static func header(_ kind: ReportKind, run: Int64, totals: Totals?) -> String {
        switch kind {
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

    static func record(
        _ kind: ReportKind, id: Int64, attempt: LaunchAttempt, outcome: LaunchOutcome, first: Bool
    ) -> String {
        switch kind {
        case .json: (first ? "\n" : ",\n") + json(id: id, attempt: attempt, outcome: outcome).compact
        case .junit: junit(attempt: attempt, outcome: outcome)
        }
    }

    static func footer(_ kind: ReportKind, run: Int64, summary: RunSummary, notAttempted: Int) -> String {
        switch kind {
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

    static func json(id: Int64, attempt: LaunchAttempt, outcome: LaunchOutcome) -> JSONValue {
        [
            "id": .number(String(id)), "ordinal": attempt.ordinal.map { .integer($0) } ?? .null,
            "iteration": attempt.iteration.map { .integer($0) } ?? .null,
            "row": attempt.dataRow.map { .integer($0) } ?? .null, "request": .string(attempt.requestName),
            "environment": .string(attempt.environment), "recipient": .string(attempt.identity.recipient),
            "request_id": .string(attempt.requestID), "tries": .integer(attempt.tryNumber),
            "result": .string(outcome.result.rawValue), "http_status": outcome.httpStatus.map { .integer($0) } ?? .null,
            "error": outcome.errorCode.map { .integer($0) } ?? .null,
            "error_text": outcome.errorText.map { .string($0) } ?? .null,
            "transport_error": outcome.transportError.map { .string($0) } ?? .null,
            "duration_ms": .number(FixedPoint.three(outcome.durationMilliseconds)),
            "duplicate": .bool(outcome.duplicate),
        ]
    }

    static func junit(attempt: LaunchAttempt, outcome: LaunchOutcome) -> String {
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

    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n": escaped += "&#10;"
            case _ where scalar.value < 0x20 && scalar != "\t": escaped += "?"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
