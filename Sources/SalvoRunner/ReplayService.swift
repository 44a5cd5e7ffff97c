import Foundation
import SalvoCore
import SalvoStorage

/// Which of a run's launches a run replay sends again.
public enum ReplaySelection: String, Sendable {
    /// Every launch with an answer (ok, rejected) and those not sent; never the unknown ones, which a resume
    /// settles with their Request-ID.
    case sent
    /// Those rejected or not sent.
    case failed
    /// Those whose fate is unknown, asked for by name with `--force`: they may be delivered twice.
    case unknown

    func includes(_ result: LaunchResult) -> Bool {
        switch self {
        case .sent: [.ok, .rejected, .notSent].contains(result)
        case .failed: [.rejected, .notSent].contains(result)
        case .unknown: result == .unknown
        }
    }
}

/// What a replay would send, for `--dry-run`: the first launches as recorded, with the token masked.
public struct ReplayPreview: Sendable {
    /// How many launches would go.
    public var count: Int
    public var attempts: [LaunchAttempt]
}

/// Past launches sent again, on purpose: exactly the bodies they sent, new Request-IDs, each recorded as a
/// replay of its original. Behind `salvo replay ID` and `salvo replay --run RUN`.
public struct ReplayService: Sendable {
    public let context: RunnerContext

    public init(context: RunnerContext) {
        self.context = context
    }

    private var store: any Storage { context.store }

    /// The launch of ledger entry `id` as a replay would send it: to `environmentName`, else where it went.
    /// Returns the plan for run `run` (0 for a preview) and what starting it needs.
    private func planLaunch(_ id: Int64, environmentName: String?, timeoutSeconds: Double, force: Bool)
        async throws -> (start: RunStart, environment: Environment, plan: @Sendable (Int64) -> LaunchPlan)
    {
        let detail = try await store.launch(id: id)
        guard let last = detail.attempts.last else { throw InputError("ledger entry #\(id) has no attempt to replay") }
        let recorded = last.attempt
        var found = try await (environmentName == nil ? recorded.environmentUID : nil).asyncFlatMap(
            store.environment(uid:))
        if found == nil {
            found = try await environment(
                named: environmentName ?? recorded.environment, given: environmentName != nil,
                original: "launch #\(detail.line.id)")
        }
        let environment = found!
        let token = try context.token(of: environment)
        var record = RunRecord()
        record.timeoutSeconds = timeoutSeconds
        record.force = force
        let start = RunStart(
            kind: .replay, environment: environment.name,
            record: .replaying(.launch(id: detail.line.id, request: recorded.requestName), settings: record))
        let context = context
        let plan: @Sendable (Int64) -> LaunchPlan = { run in
            LaunchPlan.replaying(
                recorded, replayOf: last.id, environment: environment, token: token,
                fingerprinter: context.store.fingerprinter, runID: run, requestID: context.newRequestID(),
                by: context.author)
        }
        return (start, environment, plan)
    }

    /// The launch of ledger entry `id` as a replay would send it (its Request-ID is made when it is sent), and
    /// the launch that would make the guard skip it; sending nothing.
    public func previewLaunch(_ id: Int64, environmentName: String?, force: Bool) async throws -> (
        attempt: LaunchAttempt, skippedFor: GuardHit?
    ) {
        let planned = try await planLaunch(id, environmentName: environmentName, timeoutSeconds: 30, force: force)
        var attempt = planned.plan(0).attempt
        let check = DuplicateGuard.of(planned.environment, force: force, now: context.clock())
        let hit = try await check.asyncFlatMap { try await store.lastSuccess(like: attempt, guard: $0) }
        attempt.requestID = "(a new one when sent)"
        attempt.headers = attempt.headers.map {
            $0.name.lowercased() == "request-id" ? .init(name: $0.name, value: attempt.requestID) : $0
        }
        return (attempt, hit)
    }

    /// Sends the launch of ledger entry `id` again as a run of one.
    public func replayLaunch(_ id: Int64, environmentName: String?, timeoutSeconds: Double, force: Bool)
        async throws -> SentLaunch
    {
        let planned = try await planLaunch(
            id, environmentName: environmentName, timeoutSeconds: timeoutSeconds, force: force)
        return try await SendService(context: context).launch(
            planned.start, environment: planned.environment, force: force, plan: planned.plan)
    }

    /// Sends the `selection` of run `original`'s launches again as a new run, at `pace`, to `environmentName`
    /// or where each went; nil when there is none to send.
    public func replayRun(
        _ original: Int64, selection: ReplaySelection, environmentName: String?, pace: RunPace,
        timeoutSeconds: Double, force: Bool, driving: RunDriving
    ) async throws -> RunResult? {
        try await replayRun(
            original, selection: selection, environmentName: environmentName, pace: pace,
            timeoutSeconds: timeoutSeconds, force: force, driving: driving, preview: false
        ).result
    }

    /// What `replayRun` would send (checking that `reports` could be written), sending nothing.
    public func previewRun(
        _ original: Int64, selection: ReplaySelection, environmentName: String?, reports: [ReportTarget]
    ) async throws -> ReplayPreview {
        try await replayRun(
            original, selection: selection, environmentName: environmentName, pace: RunPace(), timeoutSeconds: 30,
            force: false, driving: RunDriving(reports: reports), preview: true
        ).preview!
    }

    private func replayRun(
        _ original: Int64, selection: ReplaySelection, environmentName: String?, pace: RunPace,
        timeoutSeconds: Double, force: Bool, driving: RunDriving, preview: Bool
    ) async throws -> (result: RunResult?, preview: ReplayPreview?) {
        try RunService.check(
            driving.reports, flag: { "--report \($0.kind.rawValue)=" }, sparing: context.store.files)
        let info = try await store.run(id: original)
        let all = try await store.history(HistoryFilter(runID: original, limit: Int.max))
        let chosen = all.filter { selection.includes($0.result) }.sorted { $0.id < $1.id }.map(\.id)
        let given = try await environmentName.asyncFlatMap {
            try await environment(named: $0, given: true, original: "run \(original)")
        }
        let unknown = all.filter { $0.result == .unknown }.count
        if selection == .unknown, unknown > 0 {
            context.diagnostics.warn(
                "replaying \(unknown) unknown launch(es) with new Request-IDs: those the platform did receive will be "
                    + "delivered again")
        } else if unknown > 0 {
            let advice =
                info.kind == .replay
                ? "check them with `salvo history --run \(original) --status unknown`"
                : "`salvo run --resume \(original)` re-sends them with their Request-ID, so the platform drops a "
                    + "duplicate"
            context.diagnostics.note("\(unknown) unknown launch(es) of run \(original) are left out: \(advice)")
        }
        // Each launch goes to --env, else to the environment it went to (followed through renames).
        var destinations: [String: (environment: Environment, token: String)] = [:]
        func destination(of attempt: LaunchAttempt) async throws -> (environment: Environment, token: String) {
            let key = attempt.environmentUID ?? attempt.environment
            if let known = destinations[key] { return known }
            var environment = given
            if environment == nil {
                environment = try await attempt.environmentUID.asyncFlatMap(store.environment(uid:))
            }
            if environment == nil {
                environment = try await self.environment(
                    named: attempt.environment, given: false, original: "run \(original)")
            }
            let found = (environment!, try context.token(of: environment!))
            destinations[key] = found
            return found
        }
        var index = 0
        func next(_ runID: Int64) async throws -> RunLaunch? {
            while index < chosen.count {
                let detail = try await store.launch(id: chosen[index])
                index += 1
                guard let last = detail.attempts.last else { continue }
                let (environment, token) = try await destination(of: last.attempt)
                var plan = LaunchPlan.replaying(
                    last.attempt, replayOf: last.id, environment: environment, token: token,
                    fingerprinter: store.fingerprinter, runID: runID, requestID: context.newRequestID(),
                    by: context.author)
                plan.attempt.ordinal = index
                return RunLaunch(
                    plan: plan, resumed: false,
                    duplicateGuard: DuplicateGuard.of(environment, force: force, now: context.clock()),
                    environment: environment)
            }
            return nil
        }
        if preview {
            var attempts: [LaunchAttempt] = []
            while attempts.count < 3, let launch = try await next(0) { attempts.append(launch.plan.attempt) }
            return (nil, ReplayPreview(count: chosen.count, attempts: attempts))
        }
        guard !chosen.isEmpty else { return (nil, nil) }
        var record = pace.record(timeoutSeconds: timeoutSeconds, force: force, reports: driving.reports)
        record.planned = chosen.count
        let start = RunStart(
            kind: .replay, environment: given?.name ?? info.environment,
            record: .replaying(.run(id: original, launches: selection.rawValue), settings: record))
        let execution = RunExecution(context: context, driving: driving)
        let live = try execution.openLiveReports()
        let run = try await store.startRun(start)
        let lock = try await store.lockRun(run)
        defer { lock.release() }
        let result = try await execution.execute(
            run: run, total: chosen.count, settings: RunSettings(record), live: live,
            starting: "run \(run): replaying \(chosen.count) launch(es) of run \(original)"
                + (given.map { " to \($0.name)" } ?? ""),
            next: { try await next(run) }, resumable: false)
        return (result, nil)
    }

    /// The environment a replay goes to: `name`, which must exist; `given` says whether the user named it.
    private func environment(named name: String, given: Bool, original: String) async throws -> Environment {
        guard let environment = try await store.environments().first(where: { $0.name == name }) else {
            if given { throw StoreError.notFound(kind: "environment", name: name) }
            throw InputError("\(original) went to environment '\(name)', which no longer exists; give --env NAME")
        }
        return environment
    }
}
