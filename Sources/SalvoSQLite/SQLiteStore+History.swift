import Foundation
import GRDB
import SalvoCore
import SalvoStorage

extension HistoryFilter {
    /// The filter as SQL on the attempt `a` and its outcome `o`: alternatives that never overlap, each a list of
    /// conditions with their arguments that an index can serve on its own (an OR across columns makes SQLite read
    /// the whole ledger). A request or environment is matched by its identity, so launches made under an earlier
    /// name are found, and attempts recorded before identities existed by name: those are two alternatives.
    func alternatives(_ db: Database) throws -> [(conditions: [String], arguments: StatementArguments)] {
        var alternatives: [(conditions: [String], arguments: StatementArguments)] = [(["a.kind = 'attempt'"], [])]
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            for index in alternatives.indices {
                alternatives[index].conditions.append(condition)
                alternatives[index].arguments += [value]
            }
        }
        func entity(_ name: String?, table: String, uid column: String, name nameColumn: String) throws {
            guard let name else { return }
            guard
                let uid = try String.fetchOne(db, sql: "SELECT uid FROM \(table) WHERE name = ?", arguments: [name])
            else { return add("a.\(nameColumn) = ?", name) }
            alternatives = alternatives.flatMap { alternative in
                [
                    (alternative.conditions + ["a.\(column) = ?"], alternative.arguments + [uid]),
                    (
                        alternative.conditions + ["a.\(column) IS NULL", "a.\(nameColumn) = ?"],
                        alternative.arguments + [name]
                    ),
                ]
            }
        }
        try entity(request, table: "requests", uid: "request_uid", name: "request_name")
        try entity(environment, table: "environments", uid: "environment_uid", name: "environment")
        add("coalesce(o.result, 'unknown') = ?", result?.rawValue)
        add("a.at >= ?", since)
        add("a.at < ?", until)
        add("a.recipient = ?", recipient)
        add("a.run_id = ?", runID)
        add("a.seq > ?", after)
        return alternatives
    }

    /// The alternatives as one list of conditions (joined by OR when there are several), for a read of every match.
    func conditions(_ db: Database) throws -> ([String], StatementArguments) {
        let alternatives = try alternatives(db)
        guard alternatives.count > 1 else { return (alternatives[0].conditions, alternatives[0].arguments) }
        return (
            [
                "(" + alternatives.map { "(\($0.conditions.joined(separator: " AND ")))" }.joined(separator: " OR ")
                    + ")"
            ],
            alternatives.reduce(into: StatementArguments()) { $0 += $1.arguments }
        )
    }
}

extension SQLiteStore {
    /// Launches, newest first (oldest first after `filter.after`).
    public func history(_ filter: HistoryFilter) throws -> [HistoryLine] {
        try read { db in
            try Row.fetchAll(
                db, Self.historyRequest(filter.alternatives(db), newestFirst: filter.after == nil, limit: filter.limit)
            )
            .map(Self.historyLine(from:))
        }
    }

    /// The history query of `alternatives`: each read in `seq` order up to `limit` through its own index, the
    /// alternatives then merged.
    static func historyRequest(
        _ alternatives: [(conditions: [String], arguments: StatementArguments)], newestFirst: Bool, limit: Int
    ) -> SQLRequest<Row> {
        let order = newestFirst ? "DESC" : "ASC"
        var arguments = StatementArguments()
        let parts = alternatives.map { alternative in
            arguments += alternative.arguments + [limit]
            return """
                \(historySelect) WHERE \((alternative.conditions + ["a.try = 1"]).joined(separator: " AND "))
                ORDER BY a.seq \(order) LIMIT ?
                """
        }
        guard parts.count > 1 else { return SQLRequest(sql: parts[0], arguments: arguments) }
        arguments += [limit]
        return SQLRequest(
            sql: parts.map { "SELECT * FROM (\($0))" }.joined(separator: " UNION ALL ")
                + " ORDER BY seq \(order) LIMIT ?",
            arguments: arguments)
    }

    /// The launch that ledger entry `id` (any attempt or outcome of it) belongs to.
    public func launch(id: Int64) throws -> LaunchDetail {
        try read { db in
            guard
                let requestID = try String.fetchOne(
                    db, sql: "SELECT request_id FROM ledger WHERE seq = ?", arguments: [id])
            else { throw StoreError.notFound(kind: "ledger entry", name: "#\(id)") }
            guard
                let first = try Row.fetchOne(
                    db,
                    sql: "\(Self.historySelect) WHERE a.kind = 'attempt' AND a.request_id = ? ORDER BY a.seq LIMIT 1",
                    arguments: [requestID])
            else { throw StoreError.notFound(kind: "ledger entry", name: "#\(id)") }
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM ledger WHERE request_id = ? ORDER BY seq", arguments: [requestID])
            var attempts: [RecordedAttempt] = []
            for row in rows {
                if row["kind"] as String == "attempt" {
                    attempts.append(
                        RecordedAttempt(
                            id: row["seq"], at: row["at"], attempt: try StoredRecords.attempt(from: StoredRow(row: row))
                        ))
                } else if let index = attempts.lastIndex(where: { $0.id == row["attempt_seq"] as Int64 }) {
                    attempts[index].outcome = RecordedOutcome(
                        id: row["seq"], at: row["at"], outcome: try StoredRecords.outcome(from: StoredRow(row: row)))
                }
            }
            return LaunchDetail(line: try Self.historyLine(from: first), attempts: attempts)
        }
    }

    private static let historySelect = """
        SELECT a.seq, a.at, a.run_id, a.request_id, a.request_name, a.environment, a.method, a.trigger_id,
            a.recipient_kind, a.recipient, a.os_user, a.host, la.try AS tries, o.result, o.http_status, o.error_code,
            o.error_text, o.transport_error, o.duration_ms, o.duplicate
        FROM ledger a
        JOIN ledger la ON la.seq = (SELECT max(seq) FROM ledger WHERE request_id = a.request_id AND kind = 'attempt')
        LEFT JOIN ledger o ON o.attempt_seq = la.seq
        """

    private static func historyLine(from row: Row) throws -> HistoryLine {
        let outcome = (row["result"] as String?).map { result in
            LaunchOutcome(
                result: LaunchResult(rawValue: result) ?? .unknown, httpStatus: row["http_status"],
                durationMilliseconds: row["duration_ms"] ?? 0, errorCode: row["error_code"],
                errorText: row["error_text"], transportError: row["transport_error"],
                duplicate: row["duplicate"] ?? false)
        }
        return HistoryLine(
            id: row["seq"], at: row["at"], runID: row["run_id"], requestID: row["request_id"],
            requestName: row["request_name"], environment: row["environment"], method: row["method"],
            identity: LaunchIdentity(
                trigger: row["trigger_id"], recipientKind: row["recipient_kind"], recipient: row["recipient"]),
            tries: row["tries"], result: outcome?.result ?? .unknown, outcome: outcome,
            by: Operator(user: row["os_user"], host: row["host"]))
    }

    /// Every launch of run `run` in position order: its latest attempt's ledger id, the attempt, and its outcome
    /// (nil while it has none), for reports rebuilt from the ledger. Streamed, never held in memory.
    public func forEachLaunch(ofRun run: Int64, _ body: (ReportedLaunch) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT la.*, a.at AS first_at, \(StoredRecords.outcomeColumns)
                    FROM ledger a
                    JOIN ledger la ON la.seq = (
                        SELECT max(seq) FROM ledger WHERE request_id = a.request_id AND kind = 'attempt')
                    LEFT JOIN ledger o ON o.attempt_seq = la.seq
                    WHERE a.run_id = ? AND a.kind = 'attempt' AND a.try = 1
                    ORDER BY a.ordinal, a.seq
                    """, arguments: [run])
            while let row = try rows.next() {
                try body(
                    ReportedLaunch(
                        firstTriedAt: row["first_at"],
                        latest: RecordedAttempt(
                            id: row["seq"], at: row["at"],
                            attempt: try StoredRecords.attempt(from: StoredRow(row: row)),
                            outcome: try StoredRecords.recordedOutcome(from: StoredRow(row: row)))))
            }
        }
    }

    public func namesInLedger() throws -> (environments: Set<String>, requests: Set<String>) {
        try read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT DISTINCT environment, request_name FROM ledger WHERE kind = 'attempt'")
            var names: (environments: Set<String>, requests: Set<String>) = ([], [])
            for row in rows {
                if let environment = row["environment"] as String? { names.environments.insert(environment) }
                if let request = row["request_name"] as String? { names.requests.insert(request) }
            }
            return names
        }
    }
}
