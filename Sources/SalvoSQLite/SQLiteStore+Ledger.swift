import Foundation
import GRDB
import SalvoCore
import SalvoStorage

/// The ledger: append-only attempts and outcomes, chained by hash in `seq` order. Rows are written through
/// `appendLedger`, the only place that computes the chain.
extension SQLiteStore {
    public func record(outcomes: [(attempt: Int64, outcome: LaunchOutcome)], attempts: [LaunchAttempt])
        async throws -> [Int64]
    {
        try await onLedgerThread {
            try self.write { db in
                for (attempt, outcome) in outcomes { _ = try self.appendOutcome(db, of: attempt, outcome) }
                return try attempts.map { try self.appendAttempt(db, $0) }
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
        try read { db in
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
    }

    /// Starts a run (a `send` is a run of one launch) and returns its id.
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
            return db.lastInsertedRowID
        }
    }

    /// Marks a run finished or interrupted.
    public func finishRun(_ id: Int64, state: RunState) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET state = ?, finished_at = ? WHERE id = ?", arguments: [state.rawValue, now, id])
        }
    }

    private func appendAttempt(_ db: Database, _ attempt: LaunchAttempt) throws -> Int64 {
        let at = now
        return try appendLedger(
            db, entry: { .attempt(seq: $0, at: at, attempt, contentKey: attempt.contentKey) },
            [
                ("kind", "attempt"), ("at", at), ("run_id", attempt.runID), ("request_id", attempt.requestID),
                ("try", attempt.tryNumber), ("request_name", attempt.requestName), ("method", attempt.method),
                ("environment", attempt.environment), ("base_url", attempt.baseURL), ("url", attempt.url),
                ("trigger_id", attempt.identity.trigger), ("recipient_kind", attempt.identity.recipientKind),
                ("recipient", attempt.identity.recipient), ("data_row", attempt.dataRow),
                ("iteration", attempt.iteration), ("ordinal", attempt.ordinal), ("replay_of", attempt.replayOf),
                ("request_headers", LedgerEntry.headersText(attempt.headers)), ("request_body", attempt.body),
                ("token_fingerprint", attempt.tokenFingerprint), ("os_user", attempt.by.user),
                ("host", attempt.by.host), ("environment_uid", attempt.environmentUID),
                ("request_uid", attempt.requestUID), ("content_key", attempt.contentKey),
            ])
    }

    func appendOutcome(_ db: Database, of attempt: Int64, _ outcome: LaunchOutcome) throws -> Int64 {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT request_id, run_id FROM ledger WHERE seq = ? AND kind = 'attempt'",
                arguments: [attempt])
        else { throw StoreError.failed(path: path, detail: "no attempt #\(attempt) in the ledger") }
        let (at, runID, requestID): (String, Int64, String) = (now, row["run_id"], row["request_id"])
        return try appendLedger(
            db,
            entry: {
                .outcome(seq: $0, at: at, runID: runID, requestID: requestID, attemptSeq: attempt, outcome)
            },
            [
                ("kind", "outcome"), ("at", at), ("run_id", runID), ("request_id", requestID),
                ("attempt_seq", attempt), ("result", outcome.result.rawValue), ("http_status", outcome.httpStatus),
                ("response_headers", LedgerEntry.headersText(outcome.headers)), ("response_body", outcome.body),
                ("duration_ms", outcome.durationMilliseconds), ("error_code", outcome.errorCode),
                ("error_text", outcome.errorText), ("transport_error", outcome.transportError),
                ("duplicate", outcome.duplicate),
            ])
    }

    /// Appends one ledger row, chained to the last one, inside the caller's write transaction: `columns` are
    /// stored, and `entry` (numbered) is what its hash covers, the same fields typed.
    private func appendLedger(
        _ db: Database, entry: (Int64) -> LedgerEntry, _ columns: [(String, (any DatabaseValueConvertible)?)]
    ) throws -> Int64 {
        let last = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1"))
        let seq = (last?["seq"] as Int64? ?? 0) + 1
        let previous = last?["hash"] as String? ?? HashChain.genesis
        let values = ([("seq", seq.databaseValue)] + columns.map { ($0.0, $0.1?.databaseValue ?? .null) })
            .map { ($0.0, Self.storable($0.1)) }
        let hash = entry(seq).hash(previous: previous)
        let names = values.map(\.0) + ["prev_hash", "hash"]
        // One statement per row shape (attempt, outcome), prepared once per connection.
        let insert = try db.cachedStatement(
            sql:
                "INSERT INTO ledger (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
        )
        try insert.execute(
            arguments: StatementArguments(values.map(\.1) + [previous.databaseValue, hash.databaseValue]))
        return seq
    }

    /// SQLite's text binding ends a string at its first NUL, so a NUL from outside (a server's answer, a data
    /// value) would be cut off in the row but not in its hash, and `audit verify` would call the row edited.
    /// Such text is stored, as it is hashed (`LedgerEntry`), with U+FFFD in place of each NUL.
    static func storable(_ value: DatabaseValue) -> DatabaseValue {
        guard case .string(let text) = value.storage else { return value }
        return LedgerEntry.storable(text).databaseValue
    }

    /// A stored row's columns but the hashes, null columns left out, as `LedgerEntry.fields` writes them: a row
    /// holding anything its typed entry does not was changed.
    static func ledgerFields(_ values: [(String, DatabaseValue)]) -> JSONValue {
        .object(
            values.compactMap { name, value in
                switch value.storage {
                case .null: nil
                case .int64(let number): JSONValue.Member(name, .number(String(number)))
                case .double(let number): JSONValue.Member(name, .string(String(number)))
                case .string(let text): JSONValue.Member(name, .string(text))
                case .blob(let data): JSONValue.Member(name, .string(data.base64EncodedString()))
                }
            })
    }
}
