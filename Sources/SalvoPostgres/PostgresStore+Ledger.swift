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
        try await record(
            outcomes: outcomes, attempts: attempts, guards: guards,
            fences: Array(repeating: nil, count: attempts.count))
    }

    public func record(
        outcomes: [(attempt: Int64, outcome: LaunchOutcome)], attempts: [LaunchAttempt], guards: [DuplicateGuard?],
        fences: [ChunkFence?]
    ) async throws -> [LedgerWrite] {
        try await transaction { connection in
            // The send gate first (lock order: chunk rows, recipients' keys, the chain's head): an attempt is
            // recorded only while its runner still holds its chunk under the same claim, lease not run out.
            let holding = try await self.holdFences(connection, Set(fences.compactMap { $0 }))
            // The guarded recipients' keys are locked next, in one order (then the chain's head): a launch of the
            // same recipient from another machine waits here until this transaction ends, and then sees this
            // one's attempt.
            let keys = Set(zip(attempts, guards).compactMap { $1 == nil ? nil : Self.guardKey($0) }).sorted()
            if !keys.isEmpty {
                try await connection.run(
                    "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(\(keys)::text[]) AS k ORDER BY k")
            }
            var ledger = try await LedgerAppend.begin(connection, location: self.location)
            try await self.appendOutcomes(connection, &ledger, outcomes)
            var writes: [LedgerWrite] = []
            for ((attempt, check), fence) in zip(zip(attempts, guards), fences) {
                if let fence, !holding.contains(fence) {
                    writes.append(LedgerWrite(id: 0, fenced: true))
                    continue
                }
                if let check {
                    // The lookup must see the attempts appended before it in this transaction.
                    try await ledger.flush(connection)
                    if let hit = try await self.guardHit(connection, like: attempt, guard: check) {
                        let seq = self.appendAttempt(&ledger, attempt)
                        self.appendOutcome(
                            &ledger, of: seq, attempt, LaunchOutcome(result: .skipped, transportError: hit.reason))
                        writes.append(LedgerWrite(id: seq, skippedFor: hit))
                        continue
                    }
                }
                writes.append(LedgerWrite(id: self.appendAttempt(&ledger, attempt)))
            }
            try await ledger.finish(connection)
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
        try await transaction { connection in try await self.appendSkipped(connection, attempt, outcome) }
    }

    public func recordSkipped(_ attempt: LaunchAttempt, outcome: LaunchOutcome, fence: ChunkFence) async throws
        -> Int64?
    {
        try await transaction { connection in
            guard try await !self.holdFences(connection, [fence]).isEmpty else { return nil }
            return try await self.appendSkipped(connection, attempt, outcome)
        }
    }

    /// A launch that was not sent, with its outcome, appended in the caller's transaction.
    private func appendSkipped(_ connection: PostgresConnection, _ attempt: LaunchAttempt, _ outcome: LaunchOutcome)
        async throws -> Int64
    {
        var ledger = try await LedgerAppend.begin(connection, location: location)
        let seq = appendAttempt(&ledger, attempt)
        appendOutcome(&ledger, of: seq, attempt, outcome)
        try await ledger.finish(connection)
        return seq
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

    private func appendAttempt(_ ledger: inout LedgerAppend, _ attempt: LaunchAttempt) -> Int64 {
        let at = now
        return ledger.append { .attempt(seq: $0, at: at, attempt, contentKey: attempt.contentKey) }
    }

    private func appendOutcome(
        _ ledger: inout LedgerAppend, of seq: Int64, _ attempt: LaunchAttempt, _ outcome: LaunchOutcome
    ) {
        let at = now
        _ = ledger.append {
            .outcome(seq: $0, at: at, runID: attempt.runID, requestID: attempt.requestID, attemptSeq: seq, outcome)
        }
    }

    /// Appends the outcomes of attempts already in the ledger, which are read in one statement.
    func appendOutcomes(
        _ connection: PostgresConnection, _ ledger: inout LedgerAppend,
        _ outcomes: [(attempt: Int64, outcome: LaunchOutcome)]
    ) async throws {
        guard !outcomes.isEmpty else { return }
        let rows = try await connection.rows(
            """
            SELECT a.seq, a.run_id, a.request_id, EXISTS (SELECT 1 FROM ledger o WHERE o.attempt_seq = a.seq) AS answered
            FROM ledger a WHERE a.kind = 'attempt' AND a.seq = ANY(\(outcomes.map(\.attempt)))
            """)
        var attempts: [Int64: (runID: Int64, requestID: String)] = [:]
        var answered: Set<Int64> = []
        for row in rows {
            let seq = try row.integer("seq")
            attempts[seq] = (try row.integer("run_id"), try row.text("request_id"))
            if try row.bool("answered") { answered.insert(seq) }
        }
        let at = now
        // An attempt of a shared run already settled as unknown (its runner had lost its chunk and the run ended)
        // keeps that outcome: one outcome per attempt.
        for (seq, outcome) in outcomes where !answered.contains(seq) {
            guard let attempt = attempts[seq] else {
                throw StoreError.failed(path: location, detail: "no attempt #\(seq) in the ledger")
            }
            _ = ledger.append {
                .outcome(
                    seq: $0, at: at, runID: attempt.runID, requestID: attempt.requestID, attemptSeq: seq, outcome)
            }
        }
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
