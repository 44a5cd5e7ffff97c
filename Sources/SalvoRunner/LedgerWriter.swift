import SalvoCore
import SalvoStorage

/// Group commit for the run engine: attempts and outcomes submitted while a commit is under way wait for the
/// next one, so one transaction carries many launches. An attempt's submitter resumes only once its attempt is
/// durable, which keeps "committed, then sent" for every launch.
actor LedgerWriter {
    private let ledger: any LaunchLedger
    private var attempts: [(LaunchAttempt, DuplicateGuard?, ChunkFence?, CheckedContinuation<LedgerWrite, any Error>)] =
        []
    private var outcomes: [(attempt: Int64, outcome: LaunchOutcome)] = []
    private var committing = false
    /// The number of commits made when the waiting outcomes' timer was set; nil when none is set.
    private var outcomeTimer: Int?
    private var idle: [CheckedContinuation<Void, Never>] = []
    private var batchWaiters: [(batch: Int, continuation: CheckedContinuation<Void, Never>)] = []
    /// The first write failure; once set, every later submission fails with it.
    private(set) var failure: (any Error)?
    /// How many batches have been committed; batches are numbered from 1 in commit order.
    private(set) var committedBatches = 0

    init(ledger: any LaunchLedger) {
        self.ledger = ledger
    }

    /// Commits `attempt` (with whatever else is waiting) and returns its ledger id, or with `guard`, what the
    /// guard checked again in the transaction made of it (skipped: not to be sent), or with `fence`, whether its
    /// runner still held its chunk (fenced: not recorded, not to be sent).
    func record(_ attempt: LaunchAttempt, guard check: DuplicateGuard? = nil, fence: ChunkFence? = nil)
        async throws -> LedgerWrite
    {
        if let failure { throw failure }
        return try await withCheckedThrowingContinuation { continuation in
            attempts.append((attempt, check, fence, continuation))
            startCommitting()
        }
    }

    /// Queues an outcome for the next commit; `flush()` waits for it. The commit waits up to `outcomeDelay` for
    /// an attempt to share it with: a sequential run then syncs once per launch, not twice. An outcome not yet
    /// committed when the process dies leaves its attempt unknown, which a resume settles with its Request-ID.
    /// Returns the number of the batch that will commit it.
    @discardableResult
    func record(outcome: LaunchOutcome, of attempt: Int64) -> Int {
        outcomes.append((attempt, outcome))
        // While a batch commits, what is queued now goes in the one after it.
        let batch = committedBatches + (committing ? 2 : 1)
        guard !committing, outcomeTimer == nil else { return batch }
        let timer = committedBatches
        outcomeTimer = timer
        Task {
            try? await Task.sleep(for: Self.outcomeDelay)
            // A commit since (an attempt's) carried the outcomes that were waiting: nothing is committed alone.
            guard outcomeTimer == timer else { return }
            outcomeTimer = nil
            startCommitting()
        }
        return batch
    }

    /// How long an outcome waits for company before it is committed alone.
    static let outcomeDelay = Duration.milliseconds(5)

    /// Commits a skipped launch at once.
    /// With `fence`, only while it holds: nil when its runner lost the chunk (nothing recorded).
    func recordSkipped(_ attempt: LaunchAttempt, outcome: LaunchOutcome, fence: ChunkFence? = nil) async throws
        -> Int64?
    {
        if let failure { throw failure }
        if let fence, let fenced = ledger as? any FencedLaunchLedger {
            return try await fenced.recordSkipped(attempt, outcome: outcome, fence: fence)
        }
        return try await ledger.recordSkipped(attempt, outcome: outcome)
    }

    /// Returns once batch `batch` is committed (or the writer has failed).
    func committed(through batch: Int) async {
        guard committedBatches < batch, failure == nil else { return }
        await withCheckedContinuation { batchWaiters.append((batch, $0)) }
    }

    /// Returns once everything submitted so far is committed (or has failed).
    func flush() async {
        guard committing || !attempts.isEmpty || !outcomes.isEmpty else { return }
        startCommitting()
        await withCheckedContinuation { idle.append($0) }
    }

    private func startCommitting() {
        guard !committing else { return }
        committing = true
        Task { await commitLoop() }
    }

    private func commitLoop() async {
        while !attempts.isEmpty || !outcomes.isEmpty {
            let batch = attempts
            let done = outcomes
            outcomeTimer = nil
            attempts.removeAll(keepingCapacity: true)
            outcomes.removeAll(keepingCapacity: true)
            do {
                guard failure == nil else { throw failure! }
                let writes: [LedgerWrite]
                if let fenced = ledger as? any FencedLaunchLedger, batch.contains(where: { $0.2 != nil }) {
                    writes = try await fenced.record(
                        outcomes: done, attempts: batch.map(\.0), guards: batch.map(\.1), fences: batch.map(\.2))
                } else {
                    writes = try await ledger.record(outcomes: done, attempts: batch.map(\.0), guards: batch.map(\.1))
                }
                committedBatches += 1
                for ((_, _, _, continuation), write) in zip(batch, writes) { continuation.resume(returning: write) }
            } catch {
                failure = failure ?? error
                for (_, _, _, continuation) in batch { continuation.resume(throwing: error) }
            }
            let ready = batchWaiters.filter { $0.batch <= committedBatches || failure != nil }
            batchWaiters.removeAll { $0.batch <= committedBatches || failure != nil }
            for waiter in ready { waiter.continuation.resume() }
        }
        committing = false
        let waiting = idle
        idle.removeAll()
        for continuation in waiting { continuation.resume() }
    }
}
