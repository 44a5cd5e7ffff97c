import ArgumentParser
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
        help: ArgumentHelp("Write a report: json=FILE or junit=FILE (repeatable).", valueName: "kind=file"))
    var reports: [String] = []
    @Flag(help: "No progress on stderr.") var quiet = false

    func validate() throws {
        guard (1...1024).contains(concurrency) else {
            throw ValidationError("--concurrency must be between 1 and 1024")
        }
        if let rate, !(rate > 0 && rate <= 100_000) { throw ValidationError("--rate must be between 0 and 100000") }
        if let delay, delay < 0 { throw ValidationError("--delay cannot be negative") }
        guard (0...100).contains(retries) else { throw ValidationError("--retries must be between 0 and 100") }
        for report in reports {
            guard let (kind, file) = try? FlagParsing.keyValue(report, flag: "--report"),
                ["json", "junit"].contains(kind),
                !file.isEmpty
            else { throw ValidationError("--report '\(report)' must be json=FILE or junit=FILE") }
        }
    }

    /// Whether any setting but `--report` and `--quiet` differs from its default.
    var changesPace: Bool {
        concurrency != 1 || rate != nil || delay != nil || retries != 0 || bail
    }

    func settings(timeout: Double, force: Bool, guardSeconds: Int) -> RunSettings {
        RunSettings(
            concurrency: concurrency, rate: rate, delay: delay.map { .milliseconds($0) },
            timeout: .milliseconds(Int(timeout * 1000)), retry: RetryPolicy(retries: retries), bail: bail,
            guardSince: GuardWindow.since(guardSeconds, force: force))
    }

    /// The settings as a run records them, for `--resume`.
    func recorded(timeout: Double, force: Bool) -> [JSONValue.Member] {
        [
            .init("concurrency", .integer(concurrency)), .init("rate", rate.map { .number(String($0)) } ?? .null),
            .init("delay_ms", delay.map { .integer($0) } ?? .null),
            .init("timeout_seconds", .number(String(timeout))), .init("retries", .integer(retries)),
            .init("bail", .bool(bail)), .init("force", .bool(force)),
        ]
    }
}
