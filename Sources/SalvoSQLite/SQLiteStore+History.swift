import Foundation
import GRDB
import SalvoCore
import SalvoStorage

extension HistoryFilter {
    /// The filter as SQL conditions on the attempt `a` and its outcome `o`, with their arguments. A request or
    /// environment is matched by its identity, so launches made under an earlier name are found (attempts
    /// recorded before identities existed, by name).
    func conditions(_ db: Database) throws -> ([String], StatementArguments) {
        var conditions = ["a.kind = 'attempt'"]
        var arguments: StatementArguments = []
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append(condition)
            arguments += [value]
        }
        func entity(_ name: String?, table: String, uid column: String, name nameColumn: String) throws {
            guard let name else { return }
            guard
                let uid = try String.fetchOne(db, sql: "SELECT uid FROM \(table) WHERE name = ?", arguments: [name])
            else { return add("a.\(nameColumn) = ?", name) }
            conditions.append("(a.\(column) = ? OR (a.\(column) IS NULL AND a.\(nameColumn) = ?))")
            arguments += [uid, name]
        }
        try entity(request, table: "requests", uid: "request_uid", name: "request_name")
        try entity(environment, table: "environments", uid: "environment_uid", name: "environment")
        add("coalesce(o.result, 'unknown') = ?", result?.rawValue)
        add("a.at >= ?", since)
        add("a.at < ?", until)
        add("a.recipient = ?", recipient)
        add("a.run_id = ?", runID)
        return (conditions, arguments)
    }
}

extension SQLiteStore {
    /// Launches, newest first.
    public func history(_ filter: HistoryFilter) throws -> [HistoryLine] {
        try read { db in
            var (conditions, arguments) = try filter.conditions(db)
            conditions.append("a.try = 1")
            arguments += [filter.limit]
            return try Row.fetchAll(
                db,
                sql: "\(Self.historySelect) WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.seq DESC LIMIT ?",
                arguments: arguments
            ).map(Self.historyLine(from:))
        }
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
                        RecordedAttempt(id: row["seq"], at: row["at"], attempt: try Self.attempt(from: row)))
                } else if let index = attempts.lastIndex(where: { $0.id == row["attempt_seq"] as Int64 }) {
                    attempts[index].outcome = RecordedOutcome(
                        id: row["seq"], at: row["at"], outcome: try Self.outcome(from: row))
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

    static func attempt(from row: Row) throws -> LaunchAttempt {
        let stored = StoredRow(row: row)
        var attempt = LaunchAttempt(
            runID: try stored.integer("run_id"), requestID: try stored.text("request_id"),
            tryNumber: try stored.optionalInt("try") ?? 0, requestName: try stored.text("request_name"),
            method: try stored.text("method"), environment: try stored.text("environment"),
            baseURL: try stored.text("base_url"), url: try stored.text("url"),
            identity: LaunchIdentity(
                trigger: try stored.optionalText("trigger_id"), recipientKind: try stored.text("recipient_kind"),
                recipient: try stored.text("recipient")),
            dataRow: try stored.optionalInt("data_row"), replayOf: try stored.optionalInteger("replay_of"),
            headers: try headers(try stored.optionalText("request_headers")), body: try stored.text("request_body"),
            tokenFingerprint: try stored.text("token_fingerprint"),
            by: Operator(user: try stored.text("os_user"), host: try stored.text("host")),
            contentKey: try stored.optionalText("content_key"))
        attempt.iteration = try stored.optionalInt("iteration")
        attempt.ordinal = try stored.optionalInt("ordinal")
        attempt.environmentUID = try stored.optionalText("environment_uid")
        attempt.requestUID = try stored.optionalText("request_uid")
        return attempt
    }

    /// Every launch of run `run` in position order: its latest attempt's ledger id, the attempt, and its outcome
    /// (nil while it has none), for reports rebuilt from the ledger. Streamed, never held in memory.
    public func forEachLaunch(ofRun run: Int64, _ body: (ReportedLaunch) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT la.*, a.at AS first_at, \(Self.outcomeColumns)
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
                            id: row["seq"], at: row["at"], attempt: try Self.attempt(from: row),
                            outcome: try Self.recordedOutcome(from: row))))
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

    /// The columns of an attempt's outcome `o`, prefixed `o_`, for `recordedOutcome(from:)`.
    static let outcomeColumns = """
        o.seq AS o_seq, o.at AS o_at, o.result AS o_result, o.http_status AS o_http_status,
            o.response_headers AS o_response_headers, o.response_body AS o_response_body,
            o.duration_ms AS o_duration_ms, o.error_code AS o_error_code, o.error_text AS o_error_text,
            o.transport_error AS o_transport_error, o.duplicate AS o_duplicate
        """

    /// The outcome in a row selected with `outcomeColumns`, nil when the attempt has none.
    static func recordedOutcome(from row: Row) throws -> RecordedOutcome? {
        try (row["o_seq"] as Int64?).map { id in
            RecordedOutcome(id: id, at: row["o_at"], outcome: try outcome(from: row, prefix: "o_"))
        }
    }

    static func outcome(from row: Row, prefix: String = "") throws -> LaunchOutcome {
        let stored = StoredRow(row: row, prefix: prefix)
        guard let result = LaunchResult(rawValue: try stored.text("result")) else {
            throw StoreError.corrupt(path: "ledger", detail: "an outcome holds a result salvo never writes")
        }
        return LaunchOutcome(
            result: result, httpStatus: try stored.optionalInt("http_status"),
            headers: try headers(try stored.optionalText("response_headers")),
            body: try stored.optionalText("response_body"),
            durationMilliseconds: try stored.optionalReal("duration_ms") ?? 0,
            errorCode: try stored.optionalInt("error_code"), errorText: try stored.optionalText("error_text"),
            transportError: try stored.optionalText("transport_error"),
            duplicate: (try stored.optionalInteger("duplicate") ?? 0) != 0)
    }

    static func headers(_ text: String?) throws -> [PreparedLaunch.Header] {
        guard let text, case .array(let pairs) = try JSONParser.parse(text) else { return [] }
        return pairs.compactMap { pair in
            guard case .array(let parts) = pair, parts.count == 2, let name = parts[0].stringValue,
                let value = parts[1].stringValue
            else { return nil }
            return PreparedLaunch.Header(name: name, value: value)
        }
    }
}
