import Foundation
import SalvoCore
import SalvoStorage

/// How a run is paced and retried, as recorded with it.
public struct RunPace: Sendable, Equatable {
    /// Launches in flight at most.
    public var concurrency = 1
    /// Launches per second at most, evenly spaced.
    public var rate: Double?
    /// A pause after each launch of one worker.
    public var delayMilliseconds: Int?
    /// Retries of a launch not sent, unknown, 5xx or 429, with the same Request-ID.
    public var retries = 0
    /// Stop dispatching at the first launch that does not end ok.
    public var bail = false

    public init(
        concurrency: Int = 1, rate: Double? = nil, delayMilliseconds: Int? = nil, retries: Int = 0, bail: Bool = false
    ) {
        self.concurrency = concurrency
        self.rate = rate
        self.delayMilliseconds = delayMilliseconds
        self.retries = retries
        self.bail = bail
    }

    /// A run's record with this pace (its targets, variables and iterations are the caller's).
    func record(timeoutSeconds: Double, force: Bool, reports: [ReportTarget]) -> RunRecord {
        var record = RunRecord()
        record.concurrency = concurrency
        record.rate = rate
        record.delayMilliseconds = delayMilliseconds
        record.timeoutSeconds = timeoutSeconds
        record.retries = retries
        record.bail = bail
        record.force = force
        record.reports = reports.filter(\.output.isRegularFile).map(\.recorded)
        return record
    }
}

/// What `salvo run` is asked to launch, as plain values.
public struct RunRequest: Sendable {
    /// Requests by name, in run order; empty: the collection (narrowed by `selection`).
    public var names: [String] = []
    /// `--folder` and `--tag`, each repeatable.
    public var selection = RequestSelection()
    /// `--env`: where every request goes instead of its own environment.
    public var environment: String?
    public var dataPath: String?
    public var iterations = 1
    public var variables: [String: String] = [:]
    public var pace = RunPace()
    public var timeoutSeconds: Double = 30
    /// Launch even what the duplicate guard would skip.
    public var force = false
    /// How a run on a shared store is cut for its runners.
    public var sharing = Sharing()

    public init() {}
}

/// What a dry run found: nothing was sent or recorded.
public struct DryRun: Sendable {
    /// Launches checked.
    public var total: Int
    /// Launches identical to an earlier one of the same iteration, and the first data lines that hold them.
    public var repeats: Int
    public var repeatLines: [Int]
    /// The first few launches, token masked.
    public var samples: [PreparedLaunch]
    public var iterations: Int
    /// Whether the duplicate guard is on for any of its environments (so repeats would be skipped).
    public var guarded: Bool
    public var hasData: Bool
}

/// Runs, checks and resumes collections: the service behind `salvo run`.
public struct RunService: Sendable {
    public let context: RunnerContext

    public init(context: RunnerContext) {
        self.context = context
    }

    var planner: RunPlanner { RunPlanner(context: context) }

    /// Checks every launch of `request` (and that `reports` could be written), renders the first few and counts
    /// its duplicates; sends nothing.
    public func dryRun(_ request: RunRequest, reports: [ReportTarget] = []) async throws -> DryRun {
        try Self.check(reports, flag: { "--report \($0.kind.rawValue)=" }, sparing: context.store.files)
        let spec = try await plan(request)
        let checked = try planner.validate(spec, samples: 3, findDuplicates: true)
        return DryRun(
            total: checked.total(spec), repeats: checked.duplicates?.repeats ?? 0,
            repeatLines: checked.duplicates?.repeatLines ?? [], samples: checked.samples,
            iterations: spec.iterations,
            guarded: !request.force && spec.targets.contains { $0.environment.guardSeconds > 0 },
            hasData: spec.data != nil)
    }

    /// Starts and drives a new run of `request`: the whole data file is checked first, the reports' paths too.
    public func run(_ request: RunRequest, driving: RunDriving) async throws -> RunResult {
        try Self.check(driving.reports, flag: { "--report \($0.kind.rawValue)=" }, sparing: context.store.files)
        if let shared = context.store as? any SharedRunStore {
            return try await runShared(request, on: shared, driving: driving)
        }
        let new = try await prepare(request, driving: driving)
        let execution = RunExecution(context: context, driving: driving)
        let live = try execution.openLiveReports()
        let run = try await new.start(on: context.store)
        let lock = try await context.store.lockRun(run)
        defer { lock.release() }
        let producer = LaunchProducer(
            spec: new.spec, planner: planner, runID: run, resuming: false, unguarded: request.force)
        return try await execution.execute(
            run: run, total: new.total, settings: RunSettings(new.record), live: live,
            starting: "run \(run): \(new.total) launch(es) to \(new.destinations)", next: producer.next)
    }

    /// A new run planned and checked (the whole data file read once), not yet recorded.
    struct NewRun {
        var spec: RunPlanSpec
        var record: RunRecord
        var checked: RunPlanner.Checked
        var total: Int
        var destinations: String

        /// Records the run's start and returns its id.
        func start(on store: any Storage) async throws -> Int64 {
            try await store.startRun(
                RunStart(
                    kind: .run, environment: destinations, record: record, dataFile: spec.data?.path,
                    dataSHA256: checked.sha256))
        }
    }

    func prepare(_ request: RunRequest, driving: RunDriving) async throws -> NewRun {
        let spec = try await plan(request)
        var record = spec.record(
            request.pace.record(timeoutSeconds: request.timeoutSeconds, force: request.force, reports: driving.reports),
            fingerprinter: context.store.fingerprinter)
        record.folders = request.selection.folders
        record.tags = request.selection.tags
        let checked = try planner.validate(spec, samples: 0)
        record.planned = checked.total(spec)
        return NewRun(
            spec: spec, record: record, checked: checked, total: checked.total(spec),
            destinations: spec.environmentNames.joined(separator: ", "))
    }

    /// Finishes run `id` with the settings it was started with: positions never attempted are launched, unknown
    /// ones re-sent with their Request-ID, final ones left alone. Without reports of its own, it rewrites the
    /// run's. `force` also re-sends unknown launches first tried longer ago than the platform de-duplicates.
    public func resume(_ id: Int64, force: Bool, driving: RunDriving) async throws -> RunResult {
        let store = context.store
        let info = try await store.run(id: id)
        guard info.kind.isResumable else {
            throw RunnerError.notResumable(run: id, kind: info.kind.rawValue)
        }
        if let shared = store as? any SharedRunStore, let shape = try await shared.sharedRun(id) {
            return try await resumeShared(info, shape: shape, on: shared, force: force, driving: driving)
        }
        let record = info.record
        var driving = driving
        if driving.reports.isEmpty {
            driving.reports = recordedReports(record)
        } else {
            try Self.check(driving.reports, flag: { "--report \($0.kind.rawValue)=" }, sparing: context.store.files)
        }
        let spec = try await resumedSpec(info, record: record)
        let checked = try planner.validate(spec, samples: 0)
        if let recorded = info.dataSHA256, recorded != checked.sha256 {
            throw InputError(
                "run \(id)'s data file \(spec.data?.path ?? "") has changed since it started (SHA-256 differs); "
                    + "restore it to resume, or start a new run")
        }
        let total = checked.total(spec)
        let execution = RunExecution(context: context, driving: driving)
        let lock = try await store.lockRun(id)
        defer { lock.release() }
        let final = try await LaunchProducer.finalPositions(
            of: id, total: total, retries: record.retries, store: store)
        if final >= total { return try await execution.finished(run: id) }
        let live = try execution.openLiveReports()
        try await store.reopenRun(id)
        let settled = try await store.settleInterruptedAttempts(run: id)
        if settled > 0 {
            context.diagnostics.note(
                "\(settled) attempt(s) left without an answer by a stopped process are recorded as unknown; "
                    + "they go again with their Request-ID")
        }
        let producer = LaunchProducer(
            spec: spec, planner: planner, runID: id, resuming: true, unguarded: record.force, resendStale: force,
            retries: record.retries)
        // Progress and its ETA count what is left, not the positions already final.
        return try await execution.execute(
            run: id, total: total - final, settings: RunSettings(record), live: live,
            starting: "resuming run \(id): \(total - final) of \(total) launch(es) left",
            next: producer.next, resumed: true, alreadyFinal: { producer.alreadyFinal },
            stale: { producer.staleUnknown })
    }

    /// Checks, without writing anything, that every report can be written: before anything is sent.
    static func check(_ reports: [ReportTarget], flag: (ReportTarget) -> String, sparing storeFiles: [String])
        throws
    {
        for target in reports { try target.output.check(flag: flag(target), sparing: storeFiles) }
    }

    /// The run's own report files that can still be written; one that cannot is left out with a warning
    /// rather than stopping the resume.
    func recordedReports(_ record: RunRecord) -> [ReportTarget] {
        record.reports.compactMap { text in
            do {
                let target = try ReportTarget.parse(text)
                try target.output.check(flag: "the run's report ", sparing: context.store.files)
                return target
            } catch {
                context.diagnostics.warn("\((error as? InputError)?.message ?? "\(error)"); not rewritten")
                return nil
            }
        }
    }

    /// The run's targets, variables and data for a new run.
    func plan(_ request: RunRequest) async throws -> RunPlanSpec {
        let requests = try await planner.requests(names: request.names, selection: request.selection)
        return RunPlanSpec(
            targets: try await planner.targets(for: requests, override: request.environment),
            variables: request.variables, data: try request.dataPath.map(DataFile.init),
            iterations: request.iterations)
    }

    /// What run `info` launches, found again: requests and environments by identity (so renames are followed),
    /// tokens read now, the data file checked to be still there.
    func resumedSpec(_ info: RunInfo, record: RunRecord, needsData: Bool = true) async throws -> RunPlanSpec {
        let store = context.store
        var targets: [RunPlanSpec.Target] = []
        for target in record.targets {
            var request = try await target.requestUID.asyncFlatMap(store.request(uid:))
            if request == nil { request = try await store.request(named: target.request) }
            var environment = try await target.environmentUID.asyncFlatMap(store.environment(uid:))
            if environment == nil { environment = try await store.environment(named: target.environment) }
            targets.append(
                RunPlanSpec.Target(
                    request: request!, environment: environment!, token: try context.token(of: environment!)))
        }
        var data: DataFile?
        if let path = info.dataFile, needsData {
            guard FileManager.default.fileExists(atPath: path) else {
                throw InputError("run \(info.id)'s data file \(path) is gone; restore it to resume")
            }
            data = try DataFile(path)
        }
        let variables = RunPlanSpec.unmasking(
            record.variables, targets: targets, fingerprinter: store.fingerprinter)
        return RunPlanSpec(targets: targets, variables: variables, data: data, iterations: record.iterations)
    }
}
