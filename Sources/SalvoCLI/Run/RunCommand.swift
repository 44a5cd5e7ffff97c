import ArgumentParser
import Dispatch
import Foundation
import SalvoCore
import SalvoRunner
import SalvoStorage

#if canImport(Glibc)
    import Glibc
#endif

/// `salvo run`: many launches, paced, retried, recorded and resumable.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Launch many requests, for every row of a data file, paced, retried and resumable.",
        discussion: """
            Order: for each iteration, for each data row, each selected request
            (named ones in the order given, else by folder then name). Each request
            goes to --env, else its own environment, else the default one.
            Every {{name}} is filled from the row, then --var, then the environment;
            the whole data file is checked before anything is sent. Retries (only
            not sent, unknown, 5xx and 429) keep the launch's Request-ID, so the
            platform does not deliver twice. Ctrl-C stops dispatching and lets the
            launches in flight finish; a second Ctrl-C leaves at once. Either way
            `salvo run --resume RUN` finishes the run: launches never attempted are
            sent, unknown ones re-sent with their Request-ID, none sent twice.

            The duplicate guard sees the ledger and the run itself: a launch
            identical to one that succeeded within the environment's guard window,
            or to an earlier launch of the same run, is skipped (a later identical
            launch waits for the earlier one's outcome). Repeats on purpose take
            --force, or an environment with --guard 0.

            On a team store (PostgreSQL) a run is shared: its data is staged into
            the store and cut into chunks, and `salvo run --join RUN` on any machine
            adds that machine's concurrency to it (--rate is the run's, shared by
            its live runners). Each position is launched once;
            a runner killed outright is replaced within a second, a frozen or cut
            off one when its lease (--lease) runs out, and it can record, so send,
            nothing more. Every runner ends with the whole run's summary.

            Exit codes: 0 all ok or skipped, 1 some rejected, 3 some not sent or
            unknown (or the run was interrupted), 2 bad input, 4 the store. A
            resume's summary and exit code cover the whole run.

            Examples:
              salvo run welcome --data customers.csv --concurrency 8 --rate 50
              salvo run --folder onboarding --report junit=out.xml
              salvo run load-test --iterations 3 --force
              salvo run --resume 12
              salvo run --join 12 --concurrency 16
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(
        help: "Requests to run (default: the whole collection, or --folder / --tag).",
        completion: NameCompletion.requests) var names: [String] = []
    @Option(
        help: ArgumentHelp(
            "Run the requests in this folder and its sub-folders (repeatable: any of them, in the order given).",
            valueName: "path"), completion: NameCompletion.folders)
    var folder: [String] = []
    @Option(
        help: ArgumentHelp("Run the requests with this tag (repeatable: any of them).", valueName: "tag"),
        completion: NameCompletion.tags)
    var tag: [String] = []
    @Option(help: ArgumentHelp("The environment.", valueName: "name"), completion: NameCompletion.environments) var env:
        String?
    @Option(
        help: ArgumentHelp(
            "A data file: .csv (with a header), .json (an array of objects) or .ndjson; - reads standard input.",
            valueName: "file"), completion: NameCompletion.dataFiles)
    var data: String?
    @Option(help: ArgumentHelp("Repeat the selection (with data: the whole file) this many times.", valueName: "n"))
    var iterations = 1
    @OptionGroup var pace: RunPaceOptions
    @Option(help: ArgumentHelp("Seconds to wait for each answer.", valueName: "s")) var timeout: Double = 30
    @Option(name: .customLong("var"), help: ArgumentHelp("A template variable (repeatable).", valueName: "key=value"))
    var variables: [String] = []
    @Flag(help: "Check every launch and show the first few (token masked); send nothing.") var dryRun = false
    @Flag(
        help: """
            Launch even what the duplicate guard would skip. With --resume: also re-send unknown launches first \
            tried more than 23 h ago, which the platform would deliver again.
            """)
    var force = false
    @Option(
        help: ArgumentHelp("Finish an interrupted run with its original settings.", valueName: "run"),
        completion: NameCompletion.openRuns) var resume: Int64?
    @Option(
        help: ArgumentHelp(
            "Add this machine to a shared run going on a team store (with its own --concurrency).", valueName: "run"),
        completion: NameCompletion.openRuns)
    var join: Int64?
    @Option(
        help: ArgumentHelp(
            "Shared runs: seconds a runner's claim on a chunk lasts without a heartbeat.", valueName: "s"))
    var lease: Double = 30
    @Option(help: ArgumentHelp("Shared runs: launches per chunk a runner claims.", valueName: "n")) var chunkSize =
        4_096

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be more than 0 and at most 3600 seconds")
        }
        guard lease >= 1, lease <= 3600 else { throw ValidationError("--lease must be between 1 and 3600 seconds") }
        guard (1...1_000_000).contains(chunkSize) else {
            throw ValidationError("--chunk-size must be between 1 and 1000000")
        }
        if join != nil {
            guard resume == nil else { throw ValidationError("--join and --resume cannot go together") }
            let settings =
                !names.isEmpty || !folder.isEmpty || !tag.isEmpty || env != nil || data != nil || iterations != 1
                || pace.rate != nil || pace.delay != nil || pace.retries != 0 || pace.bail || timeout != 30
                || !variables.isEmpty || dryRun || force || lease != 30 || chunkSize != 4_096
            guard !settings else {
                throw ValidationError(
                    "--join takes the run's settings (its rate is shared by its runners); give only --concurrency, "
                        + "--report and --quiet with it")
            }
        }
        if resume != nil {
            let settings =
                !names.isEmpty || !folder.isEmpty || !tag.isEmpty || env != nil || data != nil || iterations != 1
                || pace.changesPace || timeout != 30 || !variables.isEmpty || dryRun || lease != 30
                || chunkSize != 4_096
            guard !settings else {
                throw ValidationError(
                    "--resume takes the run's original settings; give only --report, --quiet and --force with it")
            }
        }
    }

    func run() async throws {
        let context = CommandContext(global)
        let piped = data == "-" ? try StandardInputCopy.keep(beside: try Self.standardInputFolder(context)) : nil
        var result: RunResult?
        let status: ExitStatus
        do {
            status = try await launch(context, data: piped?.path ?? data) { result = $0 }
        } catch let error as InputError {
            piped?.remove()
            throw piped.map { InputError($0.told(error.message)) } ?? error
        } catch {
            piped?.remove()
            throw error
        }
        if let piped, let result, result.resumable, result.stop != .completed || result.unfinished > 0 {
            context.console.note(
                "the data from standard input stays at \(piped.path) for `salvo run --resume \(result.run)`")
        } else {
            piped?.remove()
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// Runs, resumes or joins in the store, and hands the result (if a run went) to `ended`.
    private func launch(_ context: CommandContext, data: String?, ended: (RunResult) -> Void) async throws
        -> ExitStatus
    {
        try await context.withStore { store in
            let service = RunService(context: context.runner(store))
            if let join {
                return try await RunDrive.drive(pace: pace, console: context.console) { driving in
                    try await service.join(join, concurrency: pace.concurrency, driving: driving)
                }
            }
            if let resume {
                var finished = false
                let status = try await RunDrive.drive(pace: pace, console: context.console) { driving in
                    let result = try await service.resume(resume, force: force, driving: driving)
                    finished = result.stop == .completed && result.unfinished == 0
                    return result
                }
                // A run from standard input needs its copy no more once it has nothing left to resume.
                if finished, let file = try await store.run(id: resume).dataFile, StandardInputCopy.isCopy(file) {
                    StandardInputCopy(path: file).remove()
                }
                return status
            }
            var request = RunRequest()
            request.names = names
            request.selection = RequestSelection(folders: folder, tags: tag)
            request.environment = env
            request.dataPath = data
            request.iterations = iterations
            request.variables = try FlagParsing.variables(variables)
            request.pace = pace.pace
            request.timeoutSeconds = timeout
            request.force = force
            request.sharing = Sharing(chunkSize: chunkSize, leaseSeconds: lease)
            if dryRun {
                context.console.out(Self.dryRunText(try await service.dryRun(request, reports: pace.reports)))
                return ExitStatus.success
            }
            return try await RunDrive.drive(pace: pace, console: context.console) { driving in
                let result = try await service.run(request, driving: driving)
                ended(result)
                return result
            }
        }
    }

    /// Where `--data -` keeps standard input: beside an SQLite store, else in the default store's folder.
    private static func standardInputFolder(_ context: CommandContext) throws -> String {
        let environment = context.environment.filter { $0.key != "SALVO_STORE" }
        let store = try context.storeFiles.first ?? StoreLocation.resolve(explicit: nil, environment: environment)
        let absolute = store.hasPrefix("/") ? store : FileManager.default.currentDirectoryPath + "/" + store
        return (absolute as NSString).deletingLastPathComponent
    }

    static func dryRunText(_ dry: DryRun) -> String {
        var lines = ["dry run: \(dry.total) launch(es) checked; nothing was sent or recorded"]
        if dry.repeats > 0 {
            let shown = dry.repeatLines.map(String.init).joined(separator: ", ")
            lines.append(
                "\(dry.repeats) duplicate launch(es) repeat an earlier one"
                    + (dry.hasData ? " (lines \(shown)\(dry.repeats > dry.repeatLines.count ? ", ..." : ""))" : "")
                    + (dry.guarded
                        ? ": the guard skips them (--force sends them)" : ": with the guard off, all are sent"))
        }
        if dry.iterations > 1 {
            lines.append(
                "--iterations \(dry.iterations) repeats every launch"
                    + (dry.guarded ? ": the guard skips the repeats (--force sends them)" : ""))
        }
        for launch in dry.samples {
            lines +=
                ["", "POST \(launch.url)"] + launch.headers.map { "\($0.name): \($0.value)" } + [launch.body.compact]
        }
        return lines.joined(separator: "\n")
    }
}

/// Drives a run from the terminal: Ctrl-C stops it (a second leaves at once), the summary is printed, and
/// the exit status returned. Shared by `run` and `replay --run`.
enum RunDrive {
    static func drive(
        pace: RunPaceOptions, console: Console, _ body: (RunDriving) async throws -> RunResult?
    ) async throws -> ExitStatus {
        let driving = pace.driving(console: console)
        let control = driving.control
        let interrupts = InterruptHandler {
            // Outside dispatching (the data file being checked, the reports being rewritten) nothing is in
            // flight: leave at once, as without a handler (a run already recorded shows as interrupted).
            guard control.dispatching != nil else { _exit(130) }
            control.requestStop()
            console.note("\nstopping: the launches in flight finish and are recorded (Ctrl-C again to leave at once)")
        } onSecond: {
            let next =
                control.dispatching.map { run, resumable in
                    resumable
                        ? "`salvo run --resume \(run)` finishes the run"
                        : "`salvo history --run \(run)` shows what went"
                } ?? "nothing is in flight"
            console.note("\nleaving now; the ledger is consistent: \(next)")
            _exit(130)
        }
        defer { interrupts.cancel() }
        let outcome: RunResult?
        do {
            outcome = try await body(driving)
        } catch let error as StoreError {
            // The store stopped answering mid-run: what went is in the ledger; the rest waits for a resume.
            if let (run, resumable) = control.started, resumable {
                console.note(
                    "run \(run) stopped: once the store answers again, `salvo run --resume \(run)` finishes it")
            }
            throw error
        }
        guard let result = outcome else { return .success }
        return RunSummaryView(result: result).print(console, reports: driving.reports)
    }
}

/// SIGINT and SIGTERM: the first calls `onFirst`, the second `onSecond`.
final class InterruptHandler: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private var count = 0

    init(onFirst: @escaping @Sendable () -> Void, onSecond: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "salvo.signals")
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            sources.append(source)
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [unowned self] in
                count += 1
                if count == 1 { onFirst() } else { onSecond() }
            }
            source.resume()
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
