import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStore

/// `salvo replay --run RUN`: launches of a past run sent again, on purpose, as a new run: exactly the bodies
/// they sent, new Request-IDs, each recorded as a replay of its original, at the runner's pace.
struct RunReplay {
    /// Which of the run's launches go again.
    enum Selection: String {
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

    let store: Store
    let context: CommandContext

    func execute(
        run original: Int64, selection: Selection, environmentName: String?, launch: LaunchOptions,
        pace: RunPaceOptions
    ) async throws -> ExitStatus {
        let reports = try pace.reportTargets()
        let info = try store.run(id: original)
        let all = try store.history(HistoryFilter(runID: original, limit: Int.max))
        let launches = all.filter { selection.includes($0.result) }.sorted { $0.id < $1.id }
        let chosen = launches.map(\.id)
        let given = try environmentName.map {
            try Replay.environment($0, given: true, store: store, original: "run \(original)")
        }
        let unknown = all.filter { $0.result == .unknown }.count
        if selection == .unknown, unknown > 0 {
            context.console.warn(
                "replaying \(unknown) unknown launch(es) with new Request-IDs: those the platform did receive will be "
                    + "delivered again")
        } else if unknown > 0 {
            let advice =
                info.kind == "replay"
                ? "check them with `salvo history --run \(original) --status unknown`"
                : "`salvo run --resume \(original)` re-sends them with their Request-ID, so the platform drops a "
                    + "duplicate"
            context.console.note("\(unknown) unknown launch(es) of run \(original) are left out: \(advice)")
        }
        guard !chosen.isEmpty else {
            context.console.out("run \(original) has no \(selection.rawValue) launches: nothing to replay")
            return .success
        }
        let service = LaunchService(store: store, context: context)
        // Each launch goes to --env, else to the environment it went to (followed through renames).
        var destinations: [String: (environment: Environment, token: String)] = [:]
        func destination(of attempt: LaunchAttempt) throws -> (environment: Environment, token: String) {
            let key = attempt.environmentUID ?? attempt.environment
            if let known = destinations[key] { return known }
            let environment =
                try given ?? attempt.environmentUID.flatMap(store.environment(uid:))
                ?? Replay.environment(
                    attempt.environment, given: false, store: store, original: "run \(original)")
            let found = (environment, try service.token(of: environment))
            destinations[key] = found
            return found
        }
        let by = CommandContext.currentOperator()
        var index = 0
        func next(_ runID: Int64) throws -> RunLaunch? {
            guard index < chosen.count else { return nil }
            let detail = try store.launch(id: chosen[index])
            index += 1
            guard let last = detail.attempts.last else { return try next(runID) }
            let (environment, token) = try destination(of: last.attempt)
            var plan = LaunchPlan.replaying(
                last.attempt, replayOf: last.id, environment: environment, token: token,
                fingerprinter: store.fingerprinter, runID: runID, requestID: UUID().uuidString.lowercased(), by: by)
            plan.attempt.ordinal = index
            return RunLaunch(
                plan: plan, resumed: false, duplicateGuard: DuplicateGuard.of(environment, force: launch.force),
                environment: environment)
        }
        if launch.dryRun {
            var lines = ["dry run: \(chosen.count) launch(es) of run \(original) would be replayed"]
            while index < min(3, chosen.count), let preview = try next(0)?.plan {
                lines += ["", "POST \(preview.attempt.url)", preview.attempt.body]
            }
            context.console.out(lines.joined(separator: "\n"))
            context.console.note("dry run: nothing was sent or recorded")
            return .success
        }
        var record = pace.record(timeout: launch.timeout, force: launch.force)
        record.planned = chosen.count
        let start = RunStart(
            kind: .replay, environment: given?.name ?? info.environment,
            selection: ["replay_of_run": .number(String(original)), "launches": .string(selection.rawValue)],
            settings: record.settings)
        let run = try store.startRun(start)
        let lock = try store.lockRun(run)
        defer { lock.release() }
        return try await RunExecution(store: store, context: context, pace: pace).execute(
            run: run, total: chosen.count, settings: RunSettings(record), reports: reports,
            starting: "run \(run): replaying \(chosen.count) launch(es) of run \(original)"
                + (given.map { " to \($0.name)" } ?? ""),
            next: { try next(run) }, resumable: false)
    }
}
