import Foundation
import GRDB
import SalvoCore
import SalvoStorage

/// The ledger: append-only attempts and outcomes, chained by hash in `seq` order. Rows are written through
/// `appendLedger`, the only place that computes the chain.
extension SQLiteStore {
    public func record(
        outcomes: [(attempt: Int64, outcome: LaunchOutcome)], attempts: [LaunchAttempt], guards: [DuplicateGuard?]
    ) async throws -> [LedgerWrite] {
        try await onLedgerThread {
            // One write transaction at a time per store (SQLite's own lock): the guard checked again here sees
            // every attempt other processes committed before.
            try self.write { db in
                for (attempt, outcome) in outcomes { _ = try self.appendOutcome(db, of: attempt, outcome) }
                return try zip(attempts, guards).map { attempt, check in
                    if let check, let hit = try self.guardHit(db, like: attempt, guard: check) {
                        let seq = try self.appendAttempt(db, attempt)
                        _ = try self.appendOutcome(
                            db, of: seq, LaunchOutcome(result: .skipped, transportError: hit.reason))
                        return LedgerWrite(id: seq, skippedFor: hit)
                    }
                    return LedgerWrite(id: try self.appendAttempt(db, attempt))
                }
            }
        }
    }

    public func recordSkipped(_ attempt: LaunchAttempt, outcome: LaunchOutcome) async throws -> Int64 {
        try await onLedgerThread {
            try self.write { db in
                let seq = try self.appendAttempt(db, attempt)
                _ = try self.appendOutcome(db, of: seq, outcome)
                return seq
            }
        }
    }

    /// Runs a ledger write on the store's own thread: a commit waits for an fsync, which must not hold one of
    /// Swift's few cooperative threads (the HTTP client's answers are handled there).
    private func onLedgerThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            ledgerQueue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    public func lastSuccess(like attempt: LaunchAttempt, guard check: DuplicateGuard) throws -> GuardHit? {
        try read { db in try guardHit(db, like: attempt, guard: check) }
    }

    /// The guard's lookup inside the caller's transaction.
    private func guardHit(_ db: Database, like attempt: LaunchAttempt, guard check: DuplicateGuard) throws -> GuardHit?
    {
        // The environment by its identity, and by name for attempts recorded before identities existed.
        // Identical and successful within the window, or identical and perhaps delivered: the latest attempt
        // of its launch has no outcome (in flight, or its process died) or an unknown one.
        var conditions = [
            "a.kind = 'attempt'", "a.recipient = ?", "a.trigger_id IS ?", "a.method = ?",
            """
            ((o.result = 'ok' AND o.at >= ?) OR ((o.result IS NULL OR o.result = 'unknown') AND a.at >= ?
                AND NOT EXISTS (
                    SELECT 1 FROM ledger l WHERE l.request_id = a.request_id AND l.kind = 'attempt'
                        AND l.seq > a.seq)))
            """,
        ]
        var arguments: StatementArguments = [
            attempt.identity.recipient, attempt.identity.trigger, attempt.method, check.since, check.since,
        ]
        if let uid = attempt.environmentUID {
            conditions.append("(a.environment_uid = ? OR (a.environment_uid IS NULL AND a.environment = ?))")
            arguments += [uid, attempt.environment]
        } else {
            conditions.append("a.environment = ?")
            arguments += [attempt.environment]
        }
        if check.rule == .content {
            conditions.append("(a.content_key = ? OR (a.content_key IS NULL AND a.request_body = ?))")
            arguments += [attempt.contentKey, attempt.body]
        }
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT a.seq, o.result FROM ledger a LEFT JOIN ledger o ON o.attempt_seq = a.seq
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.seq DESC LIMIT 1
                """,
            arguments: arguments)
        return row.map { GuardHit(ledgerID: $0["seq"], rule: check.rule, pending: $0["result"] as String? != "ok") }
    }

    /// Starts a run (a `send` is a run of one launch), enters it into the audit trail, and returns its id.
    public func startRun(_ run: RunStart) throws -> Int64 {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO runs (kind, started_at, environment, selection, settings, data_file, data_sha256,
                        os_user, host)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    run.kind.rawValue, now, run.environment, run.record.selection.compact, run.record.settings.compact,
                    run.dataFile,
                    run.dataSHA256, author.user, author.host,
                ])
            let id = db.lastInsertedRowID
            try appendRunEvent(db, .start, run: id)
            return id
        }
    }

    /// Marks a run finished or interrupted, in the audit trail too.
    public func finishRun(_ id: Int64, state: RunState) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET state = ?, finished_at = ? WHERE id = ?", arguments: [state.rawValue, now, id])
            try appendRunEvent(db, .finish, run: id)
        }
    }

    private func appendAttempt(_ db: Database, _ attempt: LaunchAttempt) throws -> Int64 {
        let at = now
        return try appendLedger(db) { .attempt(seq: $0, at: at, attempt, contentKey: attempt.contentKey) }
    }

    func appendOutcome(_ db: Database, of attempt: Int64, _ outcome: LaunchOutcome) throws -> Int64 {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT request_id, run_id FROM ledger WHERE seq = ? AND kind = 'attempt'"),
                arguments: [attempt])
        else { throw StoreError.failed(path: path, detail: "no attempt #\(attempt) in the ledger") }
        let (at, runID, requestID): (String, Int64, String) = (now, row["run_id"], row["request_id"])
        return try appendLedger(db) {
            .outcome(seq: $0, at: at, runID: runID, requestID: requestID, attemptSeq: attempt, outcome)
        }
    }

    /// Appends one ledger row, chained to the last one, inside the caller's write transaction: the columns of
    /// `entry` (numbered here), exactly those its hash covers (`LedgerEntry`, in Core).
    func appendLedger(_ db: Database, entry: (Int64) -> LedgerEntry) throws -> Int64 {
        let last = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1"))
        let seq = (last?["seq"] as Int64? ?? 0) + 1
        let previous = last?["hash"] as String? ?? HashChain.genesis
        let numbered = entry(seq)
        let (columns, hash) = numbered.stored(after: previous)
        // One statement per row shape (attempt, outcome), prepared once per connection.
        let insert: Statement
        switch numbered {
        case .attempt: insert = try db.cachedStatement(sql: Self.insertAttempt)
        case .outcome: insert = try db.cachedStatement(sql: Self.insertOutcome)
        }
        try LedgerInsert.execute(insert, in: db, values: columns.map(\.value) + [.text(previous), .text(hash)])
        return seq
    }

    private static let insertAttempt = insertLedger(LedgerEntry.attemptColumns)
    private static let insertOutcome = insertLedger(LedgerEntry.outcomeColumns)

    /// The statement that inserts a row of `columns`, then its chain's `prev_hash` and `hash`.
    private static func insertLedger(_ columns: [String]) -> String {
        let names = columns + ["prev_hash", "hash"]
        return
            "INSERT INTO ledger (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
    }
}
