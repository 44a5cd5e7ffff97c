import Foundation
import SalvoCore
import SalvoStorage
import Synchronization

/// Hands out a shared run's launches chunk by chunk: claims a chunk, launches its positions (skipping final ones,
/// re-sending unfinished ones with their Request-ID once they cannot still be in flight), marks it done once every
/// launch in it has its outcome, and claims the next. Ends when no chunk of the run is left open, waiting while
/// other runners hold the last ones (one may die, and its chunks come here).
final class ChunkProducer: @unchecked Sendable {
    private let spec: RunPlanSpec
    private let planner: RunPlanner
    private let runID: Int64
    private let session: any RunnerSession
    private let shared: any SharedRunStore
    /// Rows of one iteration (1 without data); rows come from the store when staged.
    private let rows: Int
    private let staged: Bool
    /// How long a recorded attempt may still be in flight: the run's timeout and a margin.
    private let inFlightFor: TimeInterval
    private let retries: Int
    private let resendStale: Bool
    private let guards: [DuplicateGuard?]
    private let now: Date
    private var context: RunnerContext { planner.context }

    private var current: ChunkClaim?
    private var cursor = 0
    private var states: [Int: LaunchState] = [:]
    private var unanswered: [Int: Date] = [:]
    private var rowCache: [Int: DataRow] = [:]
    private var waitingToComplete: [ChunkClaim] = []
    /// Positions of the current chunk left for last: their attempts may still be in flight.
    private var deferred: [Int] = []
    /// The chunks this runner claimed, those a heartbeat found it no longer holds, and a stop request.
    private let heard = Mutex<(claimed: Set<ChunkFence>, lost: Set<ChunkFence>, stop: Bool)>(([], [], false))

    /// Positions found final, and unknown ones first tried too long ago to re-send (left for a decision).
    private(set) var alreadyFinal = 0
    private(set) var staleUnknown = 0

    init(
        spec: RunPlanSpec, planner: RunPlanner, runID: Int64, session: any RunnerSession, shared: any SharedRunStore,
        shape: SharedRunShape, record: RunRecord, resendStale: Bool
    ) {
        self.spec = spec
        self.planner = planner
        self.runID = runID
        self.session = session
        self.shared = shared
        rows = max(shape.rows, 1)
        staged = shape.staged
        inFlightFor = record.timeoutSeconds + Self.margin
        retries = record.retries
        self.resendStale = resendStale
        let now = planner.context.clock()
        self.now = now
        guards = spec.targets.map { DuplicateGuard.of($0.environment, force: record.force, now: now) }
    }

    /// Added to the run's timeout before an unanswered attempt of another runner is taken for not in flight.
    static let margin: TimeInterval = 2

    /// The chunks claimed so far: what a heartbeat about to begin asks about.
    var claimed: Set<ChunkFence> { heard.withLock { $0.claimed } }

    /// What a heartbeat learned: of the chunks `asked` about, those still held, and whether the run is asked to
    /// stop. (A chunk claimed while the heartbeat went is not in its answer, and not lost.)
    func heard(asked: Set<ChunkFence>, held: Set<ChunkFence>, stop: Bool) {
        heard.withLock { state in
            state.lost.formUnion(asked.subtracting(held))
            state.stop = state.stop || stop
        }
    }

    /// The engine launching what this hands out: its stop (Ctrl-C, --bail, the ledger) ends the waiting too.
    private let engine = Mutex<RunEngine?>(nil)

    func driven(by engine: RunEngine) {
        self.engine.withLock { $0 = engine }
    }

    var stopRequested: Bool {
        heard.withLock { $0.stop } || engine.withLock { $0?.isStopping ?? false }
    }

    private func holds(_ claim: ChunkClaim) -> Bool {
        heard.withLock { !$0.lost.contains(claim.fence) }
    }

    func next() async throws -> RunLaunch? {
        while !stopRequested {
            if let claim = current {
                if holds(claim) {
                    if let launch = try await next(of: claim) { return launch }
                    if holds(claim) { waitingToComplete.append(claim) }
                }
                current = nil
            }
            try await completeWaiting()
            if let claim = try await session.claim() {
                try await start(claim)
                continue
            }
            if try await session.openChunks() == 0 { return nil }
            // The rest is held by others, or waits for this runner's launches' outcomes.
            try await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    /// The next launch of `claim`: its positions in order, except those whose latest attempt has no answer and
    /// may still be in flight from the runner that had the chunk before; those come last, each once it cannot be
    /// in flight any more (or its answer arrived). Nil when the chunk has nothing more to send.
    private func next(of claim: ChunkClaim) async throws -> RunLaunch? {
        while holds(claim), !stopRequested {
            if cursor <= claim.positions.upperBound {
                let ordinal = cursor
                cursor += 1
                if let since = unanswered[ordinal], since.addingTimeInterval(inFlightFor) > context.clock() {
                    deferred.append(ordinal)
                    continue
                }
                if let launch = try await launch(at: ordinal, of: claim) { return launch }
                continue
            }
            guard !deferred.isEmpty else { return nil }
            try await readStates(claim)
            let now = context.clock()
            let due = { (ordinal: Int) in self.unanswered[ordinal].map { $0.addingTimeInterval(self.inFlightFor) } }
            if let index = deferred.firstIndex(where: { (due($0) ?? now) <= now }) {
                if let launch = try await launch(at: deferred.remove(at: index), of: claim) { return launch }
                continue
            }
            let wait = deferred.compactMap(due).map { $0.timeIntervalSince(now) }.min() ?? 1
            try await Task.sleep(for: .milliseconds(Int(min(max(wait, 0.05), 1) * 1000)))
        }
        return nil
    }

    private func completeWaiting() async throws {
        var still: [ChunkClaim] = []
        for claim in waitingToComplete where holds(claim) {
            if try await session.complete(claim) {
                heard.withLock { _ = $0.claimed.remove(claim.fence) }
            } else {
                still.append(claim)
            }
        }
        waitingToComplete = still
    }

    private func start(_ claim: ChunkClaim) async throws {
        heard.withLock { _ = $0.claimed.insert(claim.fence) }
        current = claim
        cursor = claim.positions.lowerBound
        deferred = []
        try await readStates(claim)
        rowCache = [:]
        if staged {
            let first = row(of: claim.positions.lowerBound)
            let last = row(of: claim.positions.upperBound)
            let range = first <= last ? first...last : 1...rows
            for row in try await shared.stagedRows(run: runID, range) { rowCache[row.number] = row }
        }
    }

    private func readStates(_ claim: ChunkClaim) async throws {
        states = try await context.store.launchStates(run: runID, ordinals: claim.positions)
        unanswered = try await shared.unanswered(run: runID, ordinals: claim.positions)
    }

    /// The data row (1...rows) of position `ordinal`.
    private func row(of ordinal: Int) -> Int {
        ((ordinal - 1) / spec.targets.count) % rows + 1
    }

    /// The launch at `ordinal`, or nil when it is not to be sent (final, or stale).
    private func launch(at ordinal: Int, of claim: ChunkClaim) async throws -> RunLaunch? {
        let index = (ordinal - 1) % spec.targets.count
        let target = spec.targets[index]
        let duplicateGuard = guards[index]
        switch states[ordinal].map({ LaunchProducer.disposition($0, retries: retries) }) {
        case .final?:
            alreadyFinal += 1
            return nil
        case .again(let attempt, let firstTried, let mayHaveLeft)?:
            if mayHaveLeft, firstTried < RequestIDWindow.cutoff(now: now), !resendStale {
                staleUnknown += 1
                return nil
            }
            return RunLaunch(
                plan: .resending(attempt, token: target.token, fingerprinter: context.store.fingerprinter),
                resumed: true, mayHaveLeft: mayHaveLeft, duplicateGuard: duplicateGuard,
                environment: target.environment, fence: claim.fence)
        case nil:
            break
        }
        let rowNumber = row(of: ordinal)
        let dataRow: DataRow?
        if staged {
            guard let found = rowCache[rowNumber] else {
                throw InputError("run \(runID)'s staged row \(rowNumber) is missing from the store")
            }
            dataRow = found
        } else {
            dataRow = nil
        }
        let body = try planner.render(target, spec: spec, row: dataRow)
        var plan = LaunchPlan.make(
            request: target.request, body: body, environment: target.environment, token: target.token,
            fingerprinter: context.store.fingerprinter, runID: runID, requestID: context.newRequestID(),
            dataRow: dataRow?.number, by: context.author)
        plan.attempt.iteration = (ordinal - 1) / (spec.targets.count * rows) + 1
        plan.attempt.ordinal = ordinal
        return RunLaunch(
            plan: plan, resumed: false, duplicateGuard: duplicateGuard, environment: target.environment,
            fence: claim.fence)
    }
}
