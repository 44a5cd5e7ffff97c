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

            Exit codes: 0 all ok or skipped, 1 some rejected, 3 some not sent or
            unknown (or the run was interrupted), 2 bad input, 4 the store. A
            resume's summary and exit code cover the whole run.

            Examples:
              salvo run welcome --data customers.csv --concurrency 8 --rate 50
              salvo run --folder onboarding --report junit=out.xml
              salvo run load-test --iterations 3 --force
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
    @Flag(
        help: """
            Launch even what the duplicate guard would skip. With --resume: also re-send unknown launches first \
            tried more than 23 h ago, which the platform would deliver again.
            """)
    var force = false
    @Option(help: ArgumentHelp("Finish an interrupted run with its original settings.", valueName: "run")) var resume:
        Int64?

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be more than 0 and at most 3600 seconds")
        }
        if resume != nil {
            let settings =
                !names.isEmpty || folder != nil || tag != nil || env != nil || data != nil || iterations != 1
                || pace.changesPace || timeout != 30 || !variables.isEmpty || dryRun
            guard !settings else {
                throw ValidationError(
                    "--resume takes the run's original settings; give only --report, --quiet and --force with it")
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
        if let resume { return try await resumeRun(resume, service: service) }
        let requests = try service.requests(names: names, folder: folder, tag: tag)
        let spec = RunPlanSpec(
            targets: try service.targets(for: requests, override: env), variables: try FlagParsing.variables(variables),
            data: try data.map(DataFile.init), iterations: iterations)
        var record = spec.record(pace.record(timeout: timeout, force: force), fingerprinter: store.fingerprinter)
        record.folder = folder
        record.tag = tag
        let reports = try pace.reportTargets()
        let checked = try service.validate(spec, samples: dryRun ? 3 : 0, findDuplicates: dryRun)
        let total = checked.rows * spec.targets.count * spec.iterations
        record.planned = total
        if dryRun {
            printDryRun(checked, spec: spec, total: total, context: context)
            return .success
        }
        let run = try store.startRun(
            RunStart(
                kind: .run, environment: spec.environmentNames.joined(separator: ", "), selection: record.selection,
                settings: record.settings, dataFile: spec.data?.path, dataSHA256: checked.sha256))
        let lock = try store.lockRun(run)
        defer { lock.release() }
        let producer = LaunchProducer(
            spec: spec, service: service, runID: run, resuming: false, unguarded: force)
        return try await RunExecution(store: store, context: context, pace: pace).execute(
            run: run, total: total, settings: RunSettings(record), reports: reports,
            starting: "run \(run): \(total) launch(es) to \(spec.environmentNames.joined(separator: ", "))",
            next: producer.next)
    }

    /// Finishes run `id` with the settings it was started with: positions never attempted are launched, unknown
    /// ones re-sent with their Request-ID, final ones left alone.
    private func resumeRun(_ id: Int64, service: RunService) async throws -> ExitStatus {
        let store = service.store
        let info = try store.run(id: id)
        guard info.kind == "run" || info.kind == "send" else {
            throw InputError(
                "run \(id) is a \(info.kind); only runs and sends can be resumed (`salvo replay` launches anew)")
        }
        let record = RunRecord(selection: info.selection, settings: info.settings, environment: info.environment)
        let reports = try pace.reportTargets(recorded: record.reports, console: service.context.console)
        let spec = try resumedSpec(info, record: record, service: service)
        let checked = try service.validate(spec, samples: 0)
        if let recorded = info.dataSHA256, recorded != checked.sha256 {
            throw InputError(
                "run \(id)'s data file \(spec.data?.path ?? "") has changed since it started (SHA-256 differs); "
                    + "restore it to resume, or start a new run")
        }
        let total = checked.rows * spec.targets.count * spec.iterations
        let execution = RunExecution(store: store, context: service.context, pace: pace)
        let lock = try store.lockRun(id)
        defer { lock.release() }
        if try store.finalLaunchCount(run: id) >= total {
            return try execution.reportFinished(run: id, reports: reports)
        }
        try store.reopenRun(id)
        let settled = try store.settleInterruptedAttempts(run: id)
        if settled > 0 {
            service.context.console.note(
                "\(settled) attempt(s) left without an answer by a stopped process are recorded as unknown; "
                    + "they go again with their Request-ID")
        }
        let producer = LaunchProducer(
            spec: spec, service: service, runID: id, resuming: true, unguarded: record.force,
            resendStale: force)
        return try await execution.execute(
            run: id, total: total, settings: RunSettings(record), reports: reports, starting: "resuming run \(id)",
            next: producer.next, resumed: true, alreadyFinal: { producer.alreadyFinal },
            stale: { producer.staleUnknown })
    }

    /// What run `info` launches, found again: requests and environments by identity (so renames are followed),
    /// tokens read now, the data file checked to be still there.
    private func resumedSpec(_ info: RunInfo, record: RunRecord, service: RunService) throws -> RunPlanSpec {
        let store = service.store
        let launches = LaunchService(store: store, context: service.context)
        let targets = try record.targets.map { target in
            let request = try target.requestUID.flatMap(store.request(uid:)) ?? store.request(named: target.request)
            let environment =
                try target.environmentUID.flatMap(store.environment(uid:))
                ?? store.environment(named: target.environment)
            return RunPlanSpec.Target(
                request: request, environment: environment, token: try launches.token(of: environment))
        }
        var data: DataFile?
        if let path = info.dataFile {
            guard FileManager.default.fileExists(atPath: path) else {
                throw InputError("run \(info.id)'s data file \(path) is gone; restore it to resume")
            }
            data = try DataFile(path)
        }
        let variables = RunPlanSpec.unmasking(record.variables, targets: targets, fingerprinter: store.fingerprinter)
        return RunPlanSpec(targets: targets, variables: variables, data: data, iterations: record.iterations)
    }

    private func printDryRun(
        _ checked: RunService.Checked, spec: RunPlanSpec, total: Int, context: CommandContext
    ) {
        var lines = ["dry run: \(total) launch(es) checked; nothing was sent or recorded"]
        let guarded = !force && spec.targets.contains { $0.environment.guardSeconds > 0 }
        if let duplicates = checked.duplicates, duplicates.repeats > 0 {
            let shown = duplicates.repeatLines.map(String.init).joined(separator: ", ")
            lines.append(
                "\(duplicates.repeats) duplicate launch(es) repeat an earlier one"
                    + (spec.data == nil
                        ? "" : " (lines \(shown)\(duplicates.repeats > duplicates.repeatLines.count ? ", ..." : ""))")
                    + (guarded ? ": the guard skips them (--force sends them)" : ": with the guard off, all are sent"))
        }
        if spec.iterations > 1 {
            lines.append(
                "--iterations \(spec.iterations) repeats every launch"
                    + (guarded ? ": the guard skips the repeats (--force sends them)" : ""))
        }
        for launch in checked.samples {
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
