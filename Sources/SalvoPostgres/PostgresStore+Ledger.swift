import Foundation
import PostgresNIO
import SalvoCore
import SalvoStorage

/// The ledger: append-only attempts and outcomes, chained by hash in `seq` order, numbered from the ledger's head
/// row, which each appending transaction locks.
extension PostgresStore {
    public func record(
        outcomes: [(attempt: Int64, outcome: LaunchOutcome)], attempts: [LaunchAttempt], guards: [DuplicateGuard?]
    ) async throws -> [LedgerWrite] {
        try await transaction { connection in
            // The guarded recipients' keys are locked first, in one order (then the chain's head, in
            // appendLedger): a launch of the same recipient from another machine waits here until this
            // transaction ends, and then sees this one's attempt.
            let keys = Set(zip(attempts, guards).compactMap { $1 == nil ? nil : Self.guardKey($0) }).sorted()
            if !keys.isEmpty {
                try await connection.run(
                    "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(\(keys)::text[]) AS k ORDER BY k")
            }
            for (attempt, outcome) in outcomes { _ = try await self.appendOutcome(connection, of: attempt, outcome) }
            var writes: [LedgerWrite] = []
            for (attempt, check) in zip(attempts, guards) {
                if let check, let hit = try await self.guardHit(connection, like: attempt, guard: check) {
                    let seq = try await self.appendAttempt(connection, attempt)
                    _ = try await self.appendOutcome(
                        connection, of: seq, LaunchOutcome(result: .skipped, transportError: hit.reason))
                    writes.append(LedgerWrite(id: seq, skippedFor: hit))
                } else {
                    writes.append(LedgerWrite(id: try await self.appendAttempt(connection, attempt)))
                }
            }
            return writes
        }
    }

    /// What identical launches share under either rule: where, which method and trigger, to whom.
    private static func guardKey(_ attempt: LaunchAttempt) -> String {
        [
            attempt.environmentUID ?? attempt.environment, attempt.method, attempt.identity.trigger ?? "",
            attempt.identity.recipient,
        ].joined(separator: "\u{1F}")
    }

    public func recordSkipped(_ attempt: LaunchAttempt, outcome: LaunchOutcome) async throws -> Int64 {
        try await transaction { connection in
            let seq = try await self.appendAttempt(connection, attempt)
            _ = try await self.appendOutcome(connection, of: seq, outcome)
            return seq
        }
    }

    public func lastSuccess(like attempt: LaunchAttempt, guard check: DuplicateGuard) async throws -> GuardHit? {
        try await reading { connection in try await self.guardHit(connection, like: attempt, guard: check) }
    }

    /// The guard's lookup on `connection` (inside the caller's transaction, when it has one).
    private func guardHit(_ connection: PostgresConnection, like attempt: LaunchAttempt, guard check: DuplicateGuard)
        async throws -> GuardHit?
    {
        var statement = SQLStatement()
        var conditions = [
            "a.kind = 'attempt'", "a.recipient = \(statement.bind(attempt.identity.recipient))",
            "a.trigger_id IS NOT DISTINCT FROM \(statement.bind(attempt.identity.trigger))",
            "a.method = \(statement.bind(attempt.method))",
        ]
        let since = statement.bind(check.since)
        conditions.append(
            """
            ((o.result = 'ok' AND o.at >= \(since)) OR ((o.result IS NULL OR o.result = 'unknown') AND a.at >= \(since)
                AND NOT EXISTS (
                    SELECT 1 FROM ledger l WHERE l.request_id = a.request_id AND l.kind = 'attempt'
                        AND l.seq > a.seq)))
            """)
        let environment = statement.bind(attempt.environment)
        if let uid = attempt.environmentUID {
            conditions.append(
                "(a.environment_uid = \(statement.bind(uid)) OR (a.environment_uid IS NULL AND a.environment = \(environment)))"
            )
        } else {
            conditions.append("a.environment = \(environment)")
        }
        if check.rule == .content {
            conditions.append(
                "(a.content_key = \(statement.bind(attempt.contentKey)) OR (a.content_key IS NULL "
                    + "AND a.request_body = \(statement.bind(attempt.body))))")
        }
        statement.text = """
            SELECT a.seq, o.result FROM ledger a LEFT JOIN ledger o ON o.attempt_seq = a.seq
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.seq DESC LIMIT 1
            """
        return try await connection.row(statement.query).map {
            GuardHit(
                ledgerID: try $0.integer("seq"), rule: check.rule, pending: try $0.optionalText("result") != "ok")
        }
    }

    private func appendAttempt(_ connection: PostgresConnection, _ attempt: LaunchAttempt) async throws -> Int64 {
        let at = now
        return try await appendLedger(connection) { .attempt(seq: $0, at: at, attempt, contentKey: attempt.contentKey) }
    }

    func appendOutcome(_ connection: PostgresConnection, of attempt: Int64, _ outcome: LaunchOutcome) async throws
        -> Int64
    {
        guard
            let row = try await connection.row(
                "SELECT request_id, run_id FROM ledger WHERE seq = \(attempt) AND kind = 'attempt'")
        else { throw StoreError.failed(path: location, detail: "no attempt #\(attempt) in the ledger") }
        let (at, runID, requestID) = (now, try row.integer("run_id"), try row.text("request_id"))
        return try await appendLedger(connection) {
            .outcome(seq: $0, at: at, runID: runID, requestID: requestID, attemptSeq: attempt, outcome)
        }
    }

    /// Appends one ledger row inside the caller's transaction: numbered and chained from the locked head row,
    /// the columns of `entry`, exactly those its hash covers (`LedgerEntry`, in Core, as on SQLite).
    func appendLedger(_ connection: PostgresConnection, entry: (Int64) -> LedgerEntry) async throws -> Int64 {
        guard let head = try await connection.row("SELECT seq, hash FROM chain_heads WHERE chain = 'ledger' FOR UPDATE")
        else { throw StoreError.corrupt(path: location, detail: "the ledger's head row is missing") }
        let seq = try head.integer("seq") + 1
        let previous = try head.text("hash")
        let numbered = entry(seq)
        let hash = numbered.hash(previous: previous)
        var statement = SQLStatement()
        var names: [String] = []
        var values: [String] = []
        for (name, value) in numbered.columns {
            names.append(name)
            let cast = Self.jsonColumns.contains(name) ? "::json" : ""
            switch value {
            case nil: values.append("NULL")
            case .integer(let number)?: values.append(statement.bind(number))
            case .real(let number)?: values.append(statement.bind(number))
            case .text(let text)?: values.append(statement.bind(text) + cast)
            }
        }
        names += ["prev_hash", "hash"]
        values += [statement.bind(previous), statement.bind(hash)]
        statement.text =
            "INSERT INTO ledger (\(names.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))"
        try await connection.run(statement.query)
        try await connection.run("UPDATE chain_heads SET seq = \(seq), hash = \(hash) WHERE chain = 'ledger'")
        return seq
    }

    /// The ledger's JSON columns (stored as `json`, which keeps the text exactly).
    static let jsonColumns: Set<String> = ["request_headers", "response_headers"]

    /// Every ledger column, the JSON ones read back as their exact text.
    static let ledgerColumns = [
        "seq", "kind", "at", "run_id", "request_id", "attempt_seq", "try", "request_name", "method", "environment",
        "base_url", "url", "trigger_id", "recipient_kind", "recipient", "data_row", "iteration", "ordinal",
        "replay_of", "request_headers", "request_body", "token_fingerprint", "os_user", "host", "environment_uid",
        "request_uid", "content_key", "result", "http_status", "response_headers", "response_body", "duration_ms",
        "error_code", "error_text", "transport_error", "duplicate", "prev_hash", "hash",
    ]

    /// The columns of ledger row `alias`, JSON as text.
    static func ledgerList(_ alias: String, prefix: String = "") -> String {
        ledgerColumns.map { name in
            let column = jsonColumns.contains(name) ? "\(alias).\(name)::text" : "\(alias).\(name)"
            return "\(column) AS \(prefix)\(name)"
        }.joined(separator: ", ")
    }

    static var ledgerSelect: String { "SELECT \(ledgerList("l")) FROM ledger l" }

    /// The outcome `o` beside its attempt, under `o_` names, for `StoredRecords.recordedOutcome`.
    static var outcomeList: String { ledgerList("o", prefix: "o_") }

    /// Whether `row` holds exactly `entry`'s columns and nothing else but its hashes.
    static func holdsExactly(_ entry: LedgerEntry, _ row: PGRow) -> Bool {
        let columns = entry.columns
        for (name, value) in columns {
            switch value {
            case nil: guard row.isNull(name) else { return false }
            case .integer(let number)?: guard (try? row.optionalInteger(name)) == number else { return false }
            case .real(let number)?: guard (try? row.optionalReal(name)) == number else { return false }
            case .text(let text)?: guard (try? row.optionalText(name)) == text else { return false }
            }
        }
        let named = Set(columns.map(\.name))
        for name in ledgerColumns where !named.contains(name) && name != "prev_hash" && name != "hash" {
            if !row.isNull(name) { return false }
        }
        return true
    }
}
