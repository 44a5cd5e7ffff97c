import Foundation

/// The HTML run report: one self-contained page (inline CSS and SVG, a few lines of script for the recipient
/// search; it reads the same with scripts off). Written in three parts like the other reports: the opening (the
/// run's facts, totals, charts and the head of the launches' list), one row per launch, and the end.
///
/// Filtering by outcome is CSS over radio buttons; a launch's request and response open below its row through
/// the link in its ledger column (`:target`). Bodies are inline for every launch not ok and for the first
/// `inlineBodies` launches, so a run of 100,000 stays a page a browser opens; the others are one command away.
public enum HTMLReport {
    /// How many launches from the start of a run carry their request and response inline (besides those not ok).
    public static let inlineBodies = 300
    /// Rows per chunk: the launches' rows (grid rows, not a `<table>`, whose layout of 100,000 rows takes a browser
    /// half a minute) come in chunks of this many, each laid out only when scrolled near (`content-visibility`).
    static let rowsPerChunk = 500

    /// One line of the run's facts: a label and its value.
    public struct Fact: Sendable {
        public var label: String
        public var value: String

        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    /// What the top of the page shows for a run that has ended or stopped.
    public struct Overview: Sendable {
        public var run: Int64
        public var state: String
        public var facts: [Fact]
        public var counts: [LaunchResult: Int]
        public var notAttempted: Int
        public var summary: RunSummary
        /// Every answered launch's latency in milliseconds, sorted.
        public var latencies: [Double]
        /// Launches started in each bucket of `bucketSeconds`, from the run's start.
        public var timeline: [Int]
        public var bucketSeconds: Double

        public init(
            run: Int64, state: String, facts: [Fact], counts: [LaunchResult: Int], notAttempted: Int,
            summary: RunSummary, latencies: [Double], timeline: [Int], bucketSeconds: Double
        ) {
            self.run = run
            self.state = state
            self.facts = facts
            self.counts = counts
            self.notAttempted = notAttempted
            self.summary = summary
            self.latencies = latencies
            self.timeline = timeline
            self.bucketSeconds = bucketSeconds
        }
    }

    /// The opening of a finished report: facts, totals, charts, filters and the launches' header row.
    public static func opening(_ overview: Overview) -> String {
        let launches = overview.counts.values.reduce(0, +)
        let notOK = launches - (overview.counts[.ok] ?? 0) - (overview.counts[.skipped] ?? 0)
        var page = head(title: "salvo run \(overview.run): \(overview.state)")
        page += "<header><h1>salvo run \(overview.run) <span class=\"state \(escape(overview.state))\">"
        page += "\(escape(overview.state))</span></h1>\n<dl class=\"facts\">\n"
        for fact in overview.facts {
            page += "<dt>\(escape(fact.label))</dt><dd>\(escape(fact.value))</dd>\n"
        }
        page += "</dl></header>\n<section class=\"totals\" aria-label=\"totals\">\n"
        page += tile("launches", launches, kind: "all")
        for result in LaunchResult.allCases {
            page += tile(result.rawValue, overview.counts[result] ?? 0, kind: result.rawValue)
        }
        if overview.notAttempted > 0 { page += tile("not attempted", overview.notAttempted, kind: "figure") }
        let summary = overview.summary
        page += figureTile("p50", summary.p50.map(milliseconds) ?? "-")
        page += figureTile("p95", summary.p95.map(milliseconds) ?? "-")
        page += figureTile("max", summary.max.map(milliseconds) ?? "-")
        page += figureTile("per second", String(format: "%.1f", summary.perSecond))
        page += figureTile("seconds", FixedPoint.three(summary.seconds))
        page += "</section>\n<section class=\"charts\">\n"
        page += "<figure><figcaption>Latency of answered launches (ms)</figcaption>\n"
        page += HTMLCharts.histogram(overview.latencies) + "</figure>\n"
        page += "<figure><figcaption>Launches per second, from the first launch to the last "
        page += "(a stretch the run lay stopped shows as a gap; the seconds above leave it out)</figcaption>\n"
        page += HTMLCharts.timeline(overview.timeline, bucketSeconds: overview.bucketSeconds) + "</figure>\n"
        page += "</section>\n"
        if overview.notAttempted > 0 {
            page += "<p class=\"note\">The run stopped before \(overview.notAttempted) launch(es): "
            page += "<code>salvo run --resume \(overview.run)</code> sends them.</p>\n"
        }
        return page
            + table(
                filters: [("all", launches), ("not-ok", notOK)]
                    + LaunchResult.allCases.map {
                        ($0.rawValue, overview.counts[$0] ?? 0)
                    })
    }

    /// The opening of a report written while its run goes: rewritten whole when the run ends.
    public static func liveOpening(run: Int64) -> String {
        head(title: "salvo run \(run): running")
            + "<header><h1>salvo run \(run) <span class=\"state running\">running</span></h1></header>\n"
            + "<p class=\"note\">This report is written as the run goes and rewritten whole when it ends. "
            + "If the run was stopped, <code>salvo report \(run) --format html</code> builds it from the ledger.</p>\n"
            + table(filters: [])
    }

    /// One launch's row (the `number`th of the report, from 0), with its request and response when they are
    /// inline.
    public static func row(id: Int64, attempt: LaunchAttempt, outcome: LaunchOutcome, number: Int) -> String {
        let result = outcome.result.rawValue
        let inline = outcome.result != .ok && outcome.result != .skipped || number < inlineBodies
        var row = number > 0 && number % rowsPerChunk == 0 ? "</div>\n<div class=\"chunk\">\n" : ""
        row += "<div class=\"launch \(result)\" id=\"l\(id)\"><span>\(position(attempt))</span>"
        let recipient = escape(attempt.identity.recipient)
        let whole = attempt.identity.recipient.count > 28 ? " title=\"\(recipient)\"" : ""
        row += "<span>\(escape(attempt.requestName))</span><span\(whole)>\(recipient)</span>"
        row += "<span class=\"result\">\(result)</span><span>\(outcome.httpStatus.map(String.init) ?? "")</span>"
        row += "<span>\(outcome.result == .skipped ? "" : FixedPoint.three(outcome.durationMilliseconds))</span>"
        let problem = outcome.result == .ok ? nil : outcome.errorText ?? outcome.transportError
        row += "<span>\(escape(problem ?? ""))</span>"
        guard inline else {
            return row + "<span>\(id)</span></div>\n"
        }
        row += "<a href=\"#d\(id)\" title=\"request and response\">\(id)</a></div>\n"
        row += "<div class=\"detail\" id=\"d\(id)\"><div class=\"exchange\">"
        let sent = outcome.result == .skipped ? "Request (not sent: skipped)" : "Request"
        row += "<section><h3>\(sent)</h3><pre>\(escape(request(attempt)))</pre></section>"
        row += "<section><h3>Response</h3><pre>\(escape(response(outcome)))</pre></section></div>"
        row += "<a class=\"close\" href=\"#l\(id)\">close</a></div>\n"
        return row
    }

    /// The end of the page: the launches' list closed and the search's script.
    public static func end() -> String {
        "</div>\n</div>\n</section>\n<footer>salvo \(SalvoVersion.current)</footer>\n<script>\(HTMLStyle.script)</script>\n"
            + "</body>\n</html>\n"
    }

    private static func head(title: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<meta name=\"generator\" content=\"salvo \(SalvoVersion.current)\">\n"
            + "<title>\(escape(title))</title>\n<style>\(HTMLStyle.css)</style>\n</head>\n<body>\n"
    }

    /// The launches' section up to the first row: the outcome filters (radio buttons that CSS reads), the
    /// search box (shown by the script) and the header row.
    private static func table(filters: [(name: String, count: Int)]) -> String {
        var section = "<section class=\"launches\">\n<h2>Launches</h2>\n"
        for (index, filter) in filters.enumerated() {
            let checked = index == 0 ? " checked" : ""
            section += "<input type=\"radio\" name=\"show\" id=\"show-\(filter.name)\"\(checked)>"
            section += "<label for=\"show-\(filter.name)\">\(filter.name) <b>\(filter.count)</b></label>\n"
        }
        section += "<input type=\"search\" id=\"search\" placeholder=\"recipient\" aria-label=\"search by recipient\" "
        section += "hidden>\n<p class=\"note\">A launch's ledger id opens its request (token masked) and response: "
        section += "inline for launches not ok and the first \(inlineBodies); for the others "
        section += "<code>salvo history show ID</code>.</p>\n<div class=\"table\">\n<div class=\"head\"><span>#</span>"
        section += "<span>request</span><span>recipient</span><span>result</span><span>HTTP</span><span>ms</span>"
        return section + "<span>error</span><span>ledger</span></div>\n<div class=\"chunk\">\n"
    }

    private static func tile(_ label: String, _ count: Int, kind: String) -> String {
        "<div class=\"tile \(kind)\"><b>\(count)</b><span>\(escape(label))</span></div>\n"
    }

    private static func figureTile(_ label: String, _ value: String) -> String {
        "<div class=\"tile figure\"><b>\(escape(value))</b><span>\(escape(label))</span></div>\n"
    }

    private static func milliseconds(_ value: Double) -> String { FixedPoint.three(value) + " ms" }

    /// Where a launch stands in its run: its position, with its data row and iteration when it has them.
    private static func position(_ attempt: LaunchAttempt) -> String {
        var text = attempt.ordinal.map(String.init) ?? ""
        if let row = attempt.dataRow { text += " <small>row \(row)</small>" }
        if let iteration = attempt.iteration, iteration > 1 { text += " <small>it. \(iteration)</small>" }
        return text
    }

    private static func request(_ attempt: LaunchAttempt) -> String {
        let headers = attempt.headers.map { "\($0.name): \($0.value)\n" }.joined()
        return "POST \(attempt.url)\n\(headers)\n\(attempt.body)"
    }

    private static func response(_ outcome: LaunchOutcome) -> String {
        var text = outcome.httpStatus.map { "HTTP \($0)\n" } ?? ""
        text += outcome.headers.map { "\($0.name): \($0.value)\n" }.joined()
        if let body = outcome.body { text += "\n" + body }
        if let problem = outcome.transportError { text += (text.isEmpty ? "" : "\n\n") + problem }
        return text.isEmpty ? "(no answer)" : text
    }

    /// Text made safe inside an element or an attribute, line breaks kept.
    static func escape(_ text: String) -> String { RunReportFormat.escape(text, keepingLines: true) }
}
