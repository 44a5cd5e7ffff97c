import ArgumentParser
import Dispatch
import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStore

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
            (named ones in the order given, else by folder then name).
            Every {{name}} is filled from the row, then --var, then the environment;
            the whole data file is checked before anything is sent. Retries (only
            not sent, unknown, 5xx and 429) keep the launch's Request-ID, so the
            platform does not deliver twice. Ctrl-C stops dispatching and lets the
            launches in flight finish; a second Ctrl-C leaves at once. Either way
            `salvo run --resume RUN` finishes the run: launches never attempted are
            sent, unknown ones re-sent with their Request-ID, none sent twice.

            Exit codes: 0 all ok or skipped, 1 some rejected, 3 some not sent or
            unknown (or the run was interrupted), 2 bad input, 4 the store.

            Examples:
              salvo run welcome --data customers.csv --concurrency 8 --rate 50
              salvo run --folder onboarding --iterations 3 --report junit=out.xml
              salvo run --resume 12
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Requests to run (default: the whole collection, or --folder / --tag).") var names: [String] = []
    @Option(help: ArgumentHelp("Run the requests in this folder and its sub-folders.", valueName: "path")) var folder:
        String?
    @Option(help: ArgumentHelp("Run the requests with this tag.", valueName: "tag")) var tag: String?
    @Option(help: ArgumentHelp("The environment.", valueName: "name")) var env: String?
    @Option(
        help: ArgumentHelp(
            "A data file: .csv (with a header), .json (an array of objects) or .ndjson.", valueName: "file"))
    var data: String?
    @Option(help: ArgumentHelp("Repeat the selection (with data: the whole file) this many times.", valueName: "n"))
    var iterations = 1
    @OptionGroup var pace: RunPaceOptions
    @Option(help: ArgumentHelp("Seconds to wait for each answer.", valueName: "s")) var timeout: Double = 30
    @Option(name: .customLong("var"), help: ArgumentHelp("A template variable (repeatable).", valueName: "key=value"))
    var variables: [String] = []
    @Flag(help: "Check every launch and show the first few (token masked); send nothing.") var dryRun = false
    @Flag(help: "Launch even what the duplicate guard would skip.") var force = false
    @Option(help: ArgumentHelp("Finish an interrupted run with its original settings.", valueName: "run")) var resume:
        Int64?

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be between 0 and 3600 seconds")
        }
        if resume != nil {
            let settings =
                !names.isEmpty || folder != nil || tag != nil || env != nil || data != nil || iterations != 1
                || pace.changesPace || timeout != 30 || force || !variables.isEmpty || dryRun
            guard !settings else {
                throw ValidationError(
                    "--resume takes the run's original settings; give only --report and --quiet with it")
            }
        }
    }

    func run() async throws {
        let context = CommandContext(global)
        let status = try await context.withStore { store in try await execute(store: store, context: context) }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    private func execute(store: Store, context: CommandContext) async throws -> ExitStatus {
        let service = RunService(store: store, context: context)
        let (spec, settings, runID) = try resume.map { try resumed($0, service: service) } ?? fresh(service: service)
        let checked = try service.validate(spec, samples: dryRun ? 3 : 0)
        if let runID, let recorded = try store.run(id: runID).dataSHA256, recorded != checked.sha256 {
            throw InputError(
                "run \(runID)'s data file \(spec.data?.path ?? "") has changed since it started (SHA-256 differs); "
                    + "restore it to resume, or start a new run")
        }
        let total = checked.rows * spec.requests.count * spec.iterations
        if dryRun {
            printDryRun(checked.samples, total: total, context: context)
            return .success
        }
        let run = try runID ?? store.startRun(runStart(spec, sha256: checked.sha256))
        let lock = try store.lockRun(run)
        defer { lock.release() }
        if runID != nil {
            try store.reopenRun(run)
            let settled = try store.settleInterruptedAttempts(run: run)
            if settled > 0 {
                context.console.note(
                    "\(settled) attempt(s) left without an answer by a stopped process are recorded as unknown; "
                        + "they go again with their Request-ID")
            }
        }
        let producer = LaunchProducer(spec: spec, service: service, runID: run, resuming: resume != nil)
        return try await RunExecution(store: store, context: context, pace: pace).execute(
            run: run, total: total, environment: spec.environment, settings: settings,
            starting: resume == nil
                ? "run \(run): \(total) launch(es) to \(spec.environment.name)" : "resuming run \(run)",
            next: producer.next, alreadyFinal: { producer.alreadyFinal })
    }

    private func fresh(service: RunService) throws -> (RunPlanSpec, RunSettings, Int64?) {
        let requests = try service.requests(names: names, folder: folder, tag: tag)
        let environment = try service.environment(for: requests, override: env)
        let spec = RunPlanSpec(
            requests: requests, environment: environment,
            token: try LaunchService(store: service.store, context: service.context).token(of: environment),
            variables: try FlagParsing.variables(variables), data: try data.map(DataFile.init), iterations: iterations)
        return (spec, pace.settings(timeout: timeout, force: force, guardSeconds: environment.guardSeconds), nil)
    }

    private func runStart(_ spec: RunPlanSpec, sha256: String?) -> RunStart {
        RunStart(
            kind: .run, environment: spec.environment.name,
            selection: [
                "requests": .array(spec.requests.map { .string($0.name) }),
                "folder": folder.map { .string($0) } ?? .null, "tag": tag.map { .string($0) } ?? .null,
            ],
            settings: .object(
                [
                    .init("iterations", .integer(iterations)),
                    .init("variables", AuditDocument.variables(spec.variables)),
                ]
                    + pace.recorded(timeout: timeout, force: force)),
            dataFile: spec.data?.path, dataSHA256: sha256)
    }

    /// The plan and settings a run was started with, for `--resume`.
    private func resumed(_ id: Int64, service: RunService) throws -> (RunPlanSpec, RunSettings, Int64?) {
        let info = try service.store.run(id: id)
        guard info.kind == "run" || info.kind == "send" else { throw InputError("run \(id) cannot be resumed") }
        let names =
            (info.selection["requests"].flatMap { value -> [String]? in
                guard case .array(let items) = value else { return nil }
                return items.compactMap(\.stringValue)
            }) ?? []
        let requests = try names.map { try service.store.request(named: $0) }
        let environment = try service.store.environment(named: info.environment)
        let settings = info.settings
        func number(_ key: String) -> Double? {
            if case .number(let text)? = settings[key] { return Double(text) }
            return nil
        }
        var variables: [String: String] = [:]
        for member in settings["variables"]?.members ?? [] { variables[member.key] = member.value.stringValue }
        var data: DataFile?
        if let path = info.dataFile {
            guard FileManager.default.fileExists(atPath: path) else {
                throw InputError("run \(id)'s data file \(path) is gone; restore it to resume")
            }
            data = try DataFile(path)
        }
        let spec = RunPlanSpec(
            requests: requests, environment: environment,
            token: try LaunchService(store: service.store, context: service.context).token(of: environment),
            variables: variables, data: data, iterations: Int(number("iterations") ?? 1))
        let force = settings["force"] == .bool(true)
        let resumedSettings = RunSettings(
            concurrency: Int(number("concurrency") ?? 1), rate: number("rate"),
            delay: number("delay_ms").map { .milliseconds(Int($0)) },
            timeout: .milliseconds(Int((number("timeout_seconds") ?? 30) * 1000)),
            retry: RetryPolicy(retries: Int(number("retries") ?? 0)), bail: settings["bail"] == .bool(true),
            guardSince: GuardWindow.since(environment.guardSeconds, force: force))
        return (spec, resumedSettings, id)
    }

    private func printDryRun(_ samples: [PreparedLaunch], total: Int, context: CommandContext) {
        var lines = ["dry run: \(total) launch(es) checked; nothing was sent or recorded"]
        for launch in samples {
            lines +=
                ["", "POST \(launch.url)"] + launch.headers.map { "\($0.name): \($0.value)" } + [launch.body.compact]
        }
        context.console.out(lines.joined(separator: "\n"))
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
