import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStore

/// `salvo replay --run RUN`: launches of a past run sent again, on purpose, as a new run: exactly the bodies
/// they sent, new Request-IDs, each recorded as a replay of its original, at the runner's pace.
struct RunReplay {
    /// Which of the run's launches go again.
    enum Selection: String {
        /// Every launch that left (all but those the guard skipped).
        case sent
        /// Those not ok: rejected, not sent, unknown.
        case failed
        /// Those whose fate is unknown.
        case unknown

        func includes(_ result: LaunchResult) -> Bool {
            switch self {
            case .sent: result != .skipped
            case .failed: [.rejected, .notSent, .unknown].contains(result)
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
        let info = try store.run(id: original)
        let launches = try store.history(HistoryFilter(runID: original, limit: Int.max))
            .filter { selection.includes($0.result) }.sorted { $0.id < $1.id }
        let chosen = launches.map(\.id)
        let environment = try Replay.environment(
            environmentName ?? info.environment, given: environmentName != nil, store: store,
            original: "run \(original)")
        guard !chosen.isEmpty else {
            context.console.out("run \(original) has no \(selection.rawValue) launches: nothing to replay")
            return .success
        }
        if launches.contains(where: { $0.result == .unknown }) {
            context.console.warn(
                "unknown launches may have been delivered; `salvo run --resume \(original)` re-sends them with their "
                    + "Request-ID so the platform drops duplicates, while a replay is a new launch")
        }
        let token = try LaunchService(store: store, context: context).token(of: environment)
        let by = CommandContext.currentOperator()
        var index = 0
        func plan(_ runID: Int64) throws -> LaunchPlan? {
            guard index < chosen.count else { return nil }
            let detail = try store.launch(id: chosen[index])
            index += 1
            guard let last = detail.attempts.last else { return try plan(runID) }
            var plan = LaunchPlan.replaying(
                last.attempt, replayOf: last.id, environment: environment, token: token,
                fingerprinter: store.fingerprinter, runID: runID, requestID: UUID().uuidString.lowercased(), by: by)
            plan.attempt.ordinal = index
            return plan
        }
        if launch.dryRun {
            var lines = [
                "dry run: \(chosen.count) launch(es) of run \(original) would be replayed to \(environment.name)"
            ]
            while index < min(3, chosen.count), let preview = try plan(0) {
                lines += ["", "POST \(preview.attempt.url)", preview.attempt.body]
            }
            context.console.out(lines.joined(separator: "\n"))
            context.console.note("dry run: nothing was sent or recorded")
            return .success
        }
        let start = RunStart(
            kind: .replay, environment: environment.name,
            selection: ["replay_of_run": .number(String(original)), "launches": .string(selection.rawValue)],
            settings: .object(pace.recorded(timeout: launch.timeout, force: launch.force)))
        let run = try store.startRun(start)
        let lock = try store.lockRun(run)
        defer { lock.release() }
        return try await RunExecution(store: store, context: context, pace: pace).execute(
            run: run, total: chosen.count, environment: environment,
            settings: pace.settings(
                timeout: launch.timeout, force: launch.force, guardSeconds: environment.guardSeconds),
            starting: "run \(run): replaying \(chosen.count) launch(es) of run \(original) to \(environment.name)",
            next: { try plan(run).map { RunLaunch(plan: $0, resumed: false) } })
    }
}
