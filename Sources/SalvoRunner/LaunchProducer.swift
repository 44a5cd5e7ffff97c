import Foundation
import SalvoCore
import SalvoStorage

/// Walks a run's positions (iterations, then data rows, then requests) and makes each launch, skipping those a
/// resume finds final and re-sending those it finds unfinished with their Request-ID.
final class LaunchProducer {
    private let spec: RunPlanSpec
    private let planner: RunPlanner
    private let runID: Int64
    private let resuming: Bool
    private var iteration = 1
    private var reader: (any DataRowReader)?
    private var row: DataRow?
    private var requestIndex = 0
    private var rowConsumed = true
    private var ordinal = 0
    private var states: [Int: LaunchState] = [:]
    private var statesRange: ClosedRange<Int>?
    /// Positions a resume found already final.
    private(set) var alreadyFinal = 0
    /// Unknown launches a resume left alone: first tried too long ago for the platform to de-duplicate.
    private(set) var staleUnknown = 0
    private let resendStale: Bool
    private let guards: [DuplicateGuard?]
    private let now: Date
    private var context: RunnerContext { planner.context }

    static let stateChunk = 4_096

    /// `unguarded` turns the duplicate guard off (`--force`); `resendStale` re-sends even unknown launches first
    /// tried longer ago than the platform's de-duplication window (a resume's `--force`).
    /// How often the run retries a launch: a resume re-sends one answered 429 or 5xx while tries are left.
    private let retries: Int

    init(
        spec: RunPlanSpec, planner: RunPlanner, runID: Int64, resuming: Bool, unguarded: Bool,
        resendStale: Bool = false, retries: Int = 0
    ) {
        self.retries = retries
        self.spec = spec
        self.planner = planner
        self.runID = runID
        self.resuming = resuming
        self.resendStale = resendStale
        let now = planner.context.clock()
        self.now = now
        guards = spec.targets.map { DuplicateGuard.of($0.environment, force: unguarded, now: now) }
    }

    func next() async throws -> RunLaunch? {
        while true {
            if rowConsumed {
                guard try advanceRow() else { return nil }
            }
            let target = spec.targets[requestIndex]
            let duplicateGuard = guards[requestIndex]
            let currentRow = row
            requestIndex += 1
            if requestIndex == spec.targets.count {
                requestIndex = 0
                rowConsumed = true
            }
            ordinal += 1
            if resuming {
                switch try await state(of: ordinal).map({ Self.disposition($0, retries: retries) }) {
                case .final?:
                    alreadyFinal += 1
                    continue
                case .again(let attempt, let firstTried, let mayHaveLeft)?:
                    if mayHaveLeft, firstTried < RequestIDWindow.cutoff(now: now), !resendStale {
                        staleUnknown += 1
                        continue
                    }
                    return RunLaunch(
                        plan: .resending(attempt, token: target.token, fingerprinter: context.store.fingerprinter),
                        resumed: true, mayHaveLeft: mayHaveLeft, duplicateGuard: duplicateGuard,
                        environment: target.environment)
                case nil:
                    break
                }
            }
            let body = try planner.render(target, spec: spec, row: currentRow)
            var plan = LaunchPlan.make(
                request: target.request, body: body, environment: target.environment, token: target.token,
                fingerprinter: context.store.fingerprinter, runID: runID, requestID: context.newRequestID(),
                dataRow: currentRow?.number, by: context.author)
            plan.attempt.iteration = iteration
            plan.attempt.ordinal = ordinal
            return RunLaunch(
                plan: plan, resumed: false, duplicateGuard: duplicateGuard, environment: target.environment)
        }
    }

    /// Moves to the next data row (or the next iteration); false at the end of the run.
    private func advanceRow() throws -> Bool {
        rowConsumed = false
        guard let data = spec.data else {
            if ordinal > 0 { iteration += 1 }
            return iteration <= spec.iterations
        }
        while true {
            if reader == nil { reader = try data.open().reader }
            if let next = try reader!.next() {
                row = next
                return true
            }
            reader = nil
            iteration += 1
            guard iteration <= spec.iterations else { return false }
        }
    }

    /// What a resume does with a launch in `state`, for a run that retries `retries` times.
    enum Disposition {
        case final
        /// Send it again with its Request-ID: it has no final outcome, or answered 429 or 5xx with retries left.
        case again(LaunchAttempt, firstTried: String, mayHaveLeft: Bool)
    }

    static func disposition(_ state: LaunchState, retries: Int) -> Disposition {
        switch state {
        case .final: .final
        case .unfinished(let attempt, let firstTried, let mayHaveLeft):
            .again(attempt, firstTried: firstTried, mayHaveLeft: mayHaveLeft)
        case .retryable(let attempt, let firstTried, let mayHaveLeft):
            attempt.tryNumber <= retries ? .again(attempt, firstTried: firstTried, mayHaveLeft: mayHaveLeft) : .final
        }
    }

    /// How many of run `run`'s first `total` positions are final, for a run that retries `retries` times.
    static func finalPositions(of run: Int64, total: Int, retries: Int, store: any Storage) async throws -> Int {
        var count = 0
        var start = 1
        while start <= total {
            let range = start...min(total, start + stateChunk - 1)
            for state in try await store.launchStates(run: run, ordinals: range).values {
                if case .final = disposition(state, retries: retries) { count += 1 }
            }
            start = range.upperBound + 1
        }
        return count
    }

    private func state(of ordinal: Int) async throws -> LaunchState? {
        if statesRange?.contains(ordinal) != true {
            let range = ordinal...(ordinal + Self.stateChunk - 1)
            states = try await context.store.launchStates(run: runID, ordinals: range)
            statesRange = range
        }
        return states[ordinal]
    }
}
