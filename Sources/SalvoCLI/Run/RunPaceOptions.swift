import ArgumentParser
import Foundation
import SalvoCore
import SalvoHTTP

/// How a run goes, shared by `salvo run` and `salvo replay --run`: pace, retries, reports, progress. (The
/// timeout and `--force` are the commands' own: `replay` shares them with its single launch.)
struct RunPaceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Launches in flight at most.", valueName: "k")) var concurrency = 1
    @Option(help: ArgumentHelp("Launches per second at most, evenly spaced.", valueName: "n")) var rate: Double?
    @Option(help: ArgumentHelp("Milliseconds between the launches of one worker.", valueName: "ms")) var delay: Int?
    @Option(help: ArgumentHelp("Retries of a launch not sent, unknown, 5xx or 429 (same Request-ID).", valueName: "n"))
    var retries = 0
    @Flag(help: "Stop dispatching at the first launch that does not end ok.") var bail = false
    @Option(
        name: .customLong("report"),
        help: ArgumentHelp(
            "Write a report of the whole run: json=FILE or junit=FILE, - for standard output (repeatable).",
            valueName: "kind=file"))
    var reports: [String] = []
    @Flag(help: "No progress on stderr.") var quiet = false

    func validate() throws {
        guard (1...1024).contains(concurrency) else {
            throw ValidationError("--concurrency must be between 1 and 1024")
        }
        if let rate, !(rate > 0 && rate <= 100_000) {
            throw ValidationError("--rate must be more than 0 and at most 100000 launches per second")
        }
        if let delay, delay < 0 { throw ValidationError("--delay cannot be negative") }
        guard (0...100).contains(retries) else { throw ValidationError("--retries must be between 0 and 100") }
        var toStandardOutput = 0
        for report in reports {
            do {
                if try ReportTarget.parse(report).output.isStandardOutput { toStandardOutput += 1 }
            } catch {
                throw ValidationError((error as? InputError)?.message ?? "\(error)")
            }
        }
        guard toStandardOutput <= 1 else { throw ValidationError("only one --report can go to standard output (-)") }
    }

    /// Whether any setting but `--report` and `--quiet` differs from its default.
    var changesPace: Bool {
        concurrency != 1 || rate != nil || delay != nil || retries != 0 || bail
    }

    /// The report targets, each checked to be writable: called before anything is sent. Without `--report`, a
    /// resume rewrites the run's `recorded` report files; one that can no longer be written is left out with a
    /// warning rather than stopping the resume.
    func reportTargets(recorded: [String] = [], console: Console = .standard) throws -> [ReportTarget] {
        guard reports.isEmpty else {
            return try reports.map { report in
                let target = try ReportTarget.parse(report)
                try target.output.check(flag: "--report \(target.kind.rawValue)=")
                return target
            }
        }
        return recorded.compactMap { report in
            do {
                let target = try ReportTarget.parse(report)
                try target.output.check(flag: "the run's report ")
                return target
            } catch {
                console.warn("\((error as? InputError)?.message ?? "\(error)"); not rewritten")
                return nil
            }
        }
    }

    /// The run's record with these settings (its targets, variables and iterations are the caller's).
    func record(timeout: Double, force: Bool) -> RunRecord {
        var record = RunRecord()
        record.concurrency = concurrency
        record.rate = rate
        record.delayMilliseconds = delay
        record.timeoutSeconds = timeout
        record.retries = retries
        record.bail = bail
        record.force = force
        record.reports = reports.compactMap { report in
            guard let target = try? ReportTarget.parse(report), target.output.isRegularFile else { return nil }
            return "\(target.kind.rawValue)=\(URL(fileURLWithPath: target.output.path).path)"
        }
        return record
    }
}
