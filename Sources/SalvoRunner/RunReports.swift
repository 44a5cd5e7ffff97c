import Foundation
import SalvoCore
import SalvoStorage

/// Where one report goes: `--report KIND=FILE`, or `salvo report RUN --format KIND --out FILE`.
public struct ReportTarget: Sendable, Equatable {
    public var kind: ReportKind
    public var output: OutputPath

    public init(kind: ReportKind, output: OutputPath) {
        self.kind = kind
        self.output = output
    }

    /// Parses `KIND=FILE` (`-` for standard output).
    public static func parse(_ text: String) throws(InputError) -> ReportTarget {
        guard let equals = text.firstIndex(of: "="), let kind = ReportKind(rawValue: String(text[..<equals])),
            text.index(after: equals) < text.endIndex
        else {
            throw InputError(
                "--report '\(text)' must be KIND=FILE: json=FILE, junit=FILE or html=FILE (- for standard output)")
        }
        return ReportTarget(kind: kind, output: OutputPath(path: String(text[text.index(after: equals)...])))
    }

    /// How a run records it, to rewrite it on a resume: `KIND=ABSOLUTE-PATH`.
    var recorded: String { "\(kind.rawValue)=\(URL(fileURLWithPath: output.path).path)" }
}

/// A report written as its run goes: every launch that ended is on disk within about a second (whole records
/// only), so a killed run leaves a report of what it did. Only regular files are written this way; at the end of
/// the run `RunReportBuilder` rewrites every report whole from the ledger.
final class LiveReport: @unchecked Sendable {
    private let kind: ReportKind
    private let file: OutputFile
    private var written = 0

    /// Opens (creates or truncates) the report's file, before anything is recorded: a path that cannot be
    /// written stops the run before it exists. Only regular files are written as the run goes.
    init(_ target: ReportTarget) throws {
        kind = target.kind
        file = try target.output.open(standardOutput: OutputFile.standardOutput)
    }

    /// Writes the report's opening for run `run`.
    func start(run: Int64) {
        file.write(RunReportFormat.header(kind, run: run, totals: nil))
        file.flush()
    }

    /// A launch as the ledger holds it: a resume's reports start with the run so far.
    func add(_ launch: ReportedLaunch) {
        file.write(
            RunReportFormat.record(
                kind, id: launch.latest.id, attempt: launch.latest.attempt, outcome: launch.reportedOutcome,
                at: launch.firstTriedAt, number: written))
        written += 1
    }

    func add(_ launch: FinishedLaunch) {
        file.write(
            RunReportFormat.record(
                kind, id: launch.id, attempt: launch.attempt, outcome: launch.outcome, at: nil, number: written))
        written += 1
    }

    /// Hands what is buffered to the system.
    func flush() { file.flush() }

    func close() throws { try file.close() }
}

/// Writes a run's reports from the ledger: the whole run, however many times it was resumed.
public struct RunReportBuilder: Sendable {
    let context: RunnerContext

    public init(context: RunnerContext) {
        self.context = context
    }

    /// Writes run `run`'s report to `target`: its figures from one pass over the ledger, then its launches.
    public func write(_ target: ReportTarget, run: Int64) async throws {
        let info = try await context.store.run(id: run)
        let launched = info.launches
        let notAttempted = max(0, (info.record.planned ?? launched) - launched)
        let file = try target.output.open(standardOutput: context.standardOutput)
        let figures = try await RunFigures.read(info, from: context.store)
        let totals = RunReportFormat.Totals(counts: info.counts, notAttempted: notAttempted, seconds: figures.seconds)
        let summary = RunSummary(
            counts: info.counts, launches: launched, seconds: figures.seconds, latencies: figures.latencies)
        if target.kind == .html {
            file.write(
                HTMLReport.opening(
                    HTMLOverview.overview(
                        info, totals: totals, summary: summary, figures: figures, now: context.clock())
                ))
        } else {
            file.write(RunReportFormat.header(target.kind, run: run, totals: totals))
        }
        var written = 0
        try await context.store.forEachLaunch(ofRun: run) { launch in
            file.write(
                RunReportFormat.record(
                    target.kind, id: launch.latest.id, attempt: launch.latest.attempt, outcome: launch.reportedOutcome,
                    at: launch.firstTriedAt, number: written))
            written += 1
        }
        file.write(RunReportFormat.footer(target.kind, run: run, summary: summary, notAttempted: notAttempted))
        try file.close()
    }
}

extension ReportedLaunch {
    /// Its latest attempt's outcome; `unknown` while it has none.
    var reportedOutcome: LaunchOutcome {
        latest.outcome?.outcome
            ?? LaunchOutcome(result: .unknown, transportError: "no answer was recorded (the run was stopped)")
    }
}
