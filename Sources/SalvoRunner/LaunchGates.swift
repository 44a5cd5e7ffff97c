import SalvoCore
import Synchronization

/// The duplicate guard inside one run: identical launches (by the guard's key) are chained in dispatch order,
/// so a later one waits for the earlier one's outcome and is skipped if it succeeded, launched if it did not,
/// whatever the concurrency. A settled gate is forgotten once its outcome is committed: from then on the
/// ledger answers for it, and memory does not grow with the run.
final class LaunchGates: Sendable {
    private struct State {
        var latest: [String: Gate] = [:]
        var settled: [(key: String, gate: Gate)] = []
    }

    private let state = Mutex(State())

    /// Registers a launch with guard key `key`: returns the gate of the identical launch dispatched before it
    /// (if one is still known) and its own gate, which it must open when it ends.
    func enter(_ key: String) -> (previous: Gate?, own: Gate) {
        let own = Gate(key: key)
        let previous = state.withLock { state in
            let previous = state.latest[key]
            state.latest[key] = own
            return previous
        }
        return (previous, own)
    }

    /// Opens `gate` with what came of its launch, waking the launches that wait for it.
    func open(_ gate: Gate, _ outcome: Gate.Outcome) {
        gate.open(outcome)
        state.withLock { $0.settled.append((gate.key, gate)) }
    }

    /// Forgets the settled gates whose outcome is in a committed ledger batch.
    func forget(committedBatches: Int) {
        state.withLock { state in
            var kept = 0
            for (key, gate) in state.settled {
                guard let outcome = gate.settledOutcome, outcome.batch <= committedBatches else {
                    state.settled[kept] = (key, gate)
                    kept += 1
                    continue
                }
                if state.latest[key] === gate { state.latest[key] = nil }
            }
            state.settled.removeLast(state.settled.count - kept)
        }
    }
}

/// One launch's place in a chain of identical launches.
final class Gate: Sendable {
    /// What came of a launch, for those identical to it.
    struct Outcome: Sendable {
        /// The successful launch that makes identical ones skip: this one, or the one that made it skip.
        var hit: GuardHit?
        /// The ledger batch that makes the outcome durable (0: already durable).
        var batch: Int
    }

    let key: String
    private let state = Mutex<(outcome: Outcome?, waiters: [CheckedContinuation<Outcome, Never>])>((nil, []))

    init(key: String) {
        self.key = key
    }

    var settledOutcome: Outcome? { state.withLock { $0.outcome } }

    /// Waits until the launch ends.
    func outcome() async -> Outcome {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Outcome? in
                if let outcome = state.outcome { return outcome }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    fileprivate func open(_ outcome: Outcome) {
        let waiters = state.withLock { state in
            state.outcome = outcome
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }
}
