import SalvoCore
import SalvoStorage
import Synchronization

/// A ledger in memory, for engine tests that need no disk: it keeps what the engine wrote, in order, and
/// answers the guard's lookup over it (successes only, any time: the tests pick their launches).
final class MemoryLedger: LaunchLedger {
    struct Entry: Sendable {
        var id: Int64
        var attempt: LaunchAttempt
        var outcome: LaunchOutcome?
    }

    private let entries = Mutex<[Entry]>([])
    /// How many transactions the engine committed.
    let commits = Atomic<Int>(0)

    var all: [Entry] { entries.withLock { $0 } }

    func record(
        outcomes: [(attempt: Int64, outcome: LaunchOutcome)], attempts: [LaunchAttempt], guards: [DuplicateGuard?]
    ) async throws -> [LedgerWrite] {
        commits.add(1, ordering: .relaxed)
        return entries.withLock { entries in
            for (id, outcome) in outcomes {
                if let index = entries.firstIndex(where: { $0.id == id }) { entries[index].outcome = outcome }
            }
            return zip(attempts, guards).map { attempt, check in
                let id = Int64(entries.count + 1)
                let hit = check.flatMap { check in
                    entries.last { $0.outcome?.result == .ok && check.key(of: $0.attempt) == check.key(of: attempt) }
                        .map { GuardHit(ledgerID: $0.id, rule: check.rule) }
                }
                entries.append(
                    Entry(
                        id: id, attempt: attempt,
                        outcome: hit.map { LaunchOutcome(result: .skipped, transportError: $0.reason) }))
                return LedgerWrite(id: id, skippedFor: hit)
            }
        }
    }

    func recordSkipped(_ attempt: LaunchAttempt, outcome: LaunchOutcome) async throws -> Int64 {
        let ids = try await record(outcomes: [], attempts: [attempt])
        _ = try await record(outcomes: [(ids[0], outcome)], attempts: [])
        return ids[0]
    }

    func lastSuccess(like attempt: LaunchAttempt, guard check: DuplicateGuard) async throws -> GuardHit? {
        let key = check.key(of: attempt)
        return entries.withLock { entries in
            entries.last { $0.outcome?.result == .ok && check.key(of: $0.attempt) == key }
                .map { GuardHit(ledgerID: $0.id, rule: check.rule) }
        }
    }
}
