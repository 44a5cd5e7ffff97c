import ArgumentParser
import Foundation
import SalvoCore
import SalvoRunner

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
            "Write a report of the whole run: json=FILE, junit=FILE or html=FILE, - for standard output (repeatable).",
            valueName: "kind=file"),
        transform: parseReport)
    var reports: [ReportTarget] = []
    @Flag(help: "No progress on stderr.") var quiet = false

    /// `--report KIND=FILE`, parsed once.
    static func parseReport(_ text: String) throws -> ReportTarget {
        do {
            return try ReportTarget.parse(text)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func validate() throws {
        guard (1...1024).contains(concurrency) else {
            throw ValidationError("--concurrency must be between 1 and 1024")
        }
        if let rate, !(rate > 0 && rate <= 100_000) {
            throw ValidationError("--rate must be more than 0 and at most 100000 launches per second")
        }
        if let delay, delay < 0 { throw ValidationError("--delay cannot be negative") }
        guard (0...100).contains(retries) else { throw ValidationError("--retries must be between 0 and 100") }
        guard reports.filter(\.output.isStandardOutput).count <= 1 else {
            throw ValidationError("only one --report can go to standard output (-)")
        }
        let files = reports.filter { !$0.output.isStandardOutput }.map {
            URL(fileURLWithPath: $0.output.path).standardizedFileURL.resolvingSymlinksInPath().path
        }
        if let twice = files.first(where: { file in files.filter { $0 == file }.count > 1 }) {
            throw ValidationError("two --report options write to \(twice); give each report its own file")
        }
    }

    /// Whether any setting but `--report` and `--quiet` differs from its default.
    var changesPace: Bool {
        concurrency != 1 || rate != nil || delay != nil || retries != 0 || bail
    }

    /// The pace as the runner takes it.
    var pace: RunPace {
        RunPace(concurrency: concurrency, rate: rate, delayMilliseconds: delay, retries: retries, bail: bail)
    }

    /// How the run is driven from this terminal: the reports, the progress line (unless `--quiet`), and Ctrl-C.
    func driving(console: Console) -> RunDriving {
        RunDriving(reports: reports, progress: quiet ? nil : ProgressLine(console: console))
    }
}
