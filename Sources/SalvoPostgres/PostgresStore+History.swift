import PostgresNIO
import SalvoCore
import SalvoStorage

extension PostgresStore {
    /// The filter as conditions on the attempt `a` and its outcome `o`: a request or environment by its identity
    /// (launches made under an earlier name are found), else by name.
    private func conditions(_ filter: HistoryFilter, _ statement: inout SQLStatement, _ connection: PostgresConnection)
        async throws -> [String]
    {
        var conditions = ["a.kind = 'attempt'"]
        func entity(_ name: String?, table: String, uid column: String, name nameColumn: String) async throws {
            guard let name else { return }
            let uid = try await connection.row("SELECT uid FROM \(unescaped: table) WHERE name = \(name)")?.text("uid")
            let named = statement.bind(name)
            guard let uid else { return conditions.append("a.\(nameColumn) = \(named)") }
            conditions.append(
                "(a.\(column) = \(statement.bind(uid)) OR (a.\(column) IS NULL AND a.\(nameColumn) = \(named)))")
        }
        try await entity(filter.request, table: "requests", uid: "request_uid", name: "request_name")
        try await entity(filter.environment, table: "environments", uid: "environment_uid", name: "environment")
        if let result = filter.result {
            conditions.append("coalesce(o.result, 'unknown') = \(statement.bind(result.rawValue))")
        }
        if let since = filter.since { conditions.append("a.at >= \(statement.bind(since))") }
        if let until = filter.until { conditions.append("a.at < \(statement.bind(until))") }
        if let recipient = filter.recipient { conditions.append("a.recipient = \(statement.bind(recipient))") }
        if let run = filter.runID { conditions.append("a.run_id = \(statement.bind(run))") }
        if let after = filter.after { conditions.append("a.seq > \(statement.bind(after))") }
        return conditions
    }

    public func history(_ filter: HistoryFilter) async throws -> [HistoryLine] {
        try await reading { connection in
            var statement = SQLStatement()
            var conditions = try await self.conditions(filter, &statement, connection)
            conditions.append("a.try = 1")
            statement.text =
                "\(Self.historySelect) WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.seq "
                + (filter.after == nil ? "DESC" : "ASC") + " LIMIT "
                + statement.bind(Int64(filter.limit))
            return try await connection.rows(statement.query).map(Self.historyLine(from:))
        }
    }

    public func launch(id: Int64) async throws -> LaunchDetail {
        try await reading { connection in
            guard
                let requestID = try await connection.row("SELECT request_id FROM ledger WHERE seq = \(id)")?.text(
                    "request_id"),
                let first = try await connection.row(
                    "\(unescaped: Self.historySelect) WHERE a.kind = 'attempt' AND a.request_id = \(requestID) ORDER BY a.seq LIMIT 1"
                )
            else { throw StoreError.notFound(kind: "ledger entry", name: "#\(id)") }
            var attempts: [RecordedAttempt] = []
            for row in try await connection.rows(
                "\(unescaped: Self.ledgerSelect) WHERE l.request_id = \(requestID) ORDER BY l.seq")
            {
                if try row.text("kind") == "attempt" {
                    attempts.append(
                        RecordedAttempt(
                            id: try row.integer("seq"), at: try row.text("at"),
                            attempt: try StoredRecords.attempt(from: row)))
                } else if let index = attempts.lastIndex(where: { $0.id == (try? row.integer("attempt_seq")) }) {
                    attempts[index].outcome = RecordedOutcome(
                        id: try row.integer("seq"), at: try row.text("at"),
                        outcome: try StoredRecords.outcome(from: row))
                }
            }
            return LaunchDetail(line: try Self.historyLine(from: first), attempts: attempts)
        }
    }

    public func forEachAttempt(_ filter: HistoryFilter, _ body: (RecordedAttempt) throws -> Void) async throws {
        try await streaming { connection in
            var statement = SQLStatement()
            let conditions = try await self.conditions(filter, &statement, connection)
            statement.text = """
                SELECT \(Self.ledgerList("a")), \(Self.outcomeList)
                FROM ledger a LEFT JOIN ledger o ON o.attempt_seq = a.seq
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.seq LIMIT \(statement.bind(Int64(filter.limit)))
                """
            let rows = try await connection.query(statement.query, logger: Self.logger)
            for try await row in rows {
                let stored = PGRow(row)
                try body(
                    RecordedAttempt(
                        id: try stored.integer("seq"), at: try stored.text("at"),
                        attempt: try StoredRecords.attempt(from: stored),
                        outcome: try StoredRecords.recordedOutcome(from: stored)))
            }
        }
    }

    public func forEachLaunch(ofRun run: Int64, _ body: (ReportedLaunch) throws -> Void) async throws {
        try await streaming { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.ledgerList("la")), a.at AS first_at, \(unescaped: Self.outcomeList)
                FROM ledger a
                JOIN ledger la ON la.seq = (
                    SELECT max(seq) FROM ledger WHERE request_id = a.request_id AND kind = 'attempt')
                LEFT JOIN ledger o ON o.attempt_seq = la.seq
                WHERE a.run_id = \(run) AND a.kind = 'attempt' AND a.try = 1
                ORDER BY a.ordinal, a.seq
                """, logger: Self.logger)
            for try await row in rows {
                let stored = PGRow(row)
                try body(
                    ReportedLaunch(
                        firstTriedAt: try stored.text("first_at"),
                        latest: RecordedAttempt(
                            id: try stored.integer("seq"), at: try stored.text("at"),
                            attempt: try StoredRecords.attempt(from: stored),
                            outcome: try StoredRecords.recordedOutcome(from: stored))))
            }
        }
    }

    public func namesInLedger() async throws -> (environments: Set<String>, requests: Set<String>) {
        try await reading { connection in
            var names: (environments: Set<String>, requests: Set<String>) = ([], [])
            for row in try await connection.rows(
                "SELECT DISTINCT environment, request_name FROM ledger WHERE kind = 'attempt'")
            {
                if let environment = try row.optionalText("environment") { names.environments.insert(environment) }
                if let request = try row.optionalText("request_name") { names.requests.insert(request) }
            }
            return names
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

    private static func historyLine(from row: PGRow) throws -> HistoryLine {
        let outcome = try row.optionalText("result").map { result in
            LaunchOutcome(
                result: LaunchResult(rawValue: result) ?? .unknown, httpStatus: try row.optionalInt("http_status"),
                durationMilliseconds: try row.optionalReal("duration_ms") ?? 0,
                errorCode: try row.optionalInt("error_code"), errorText: try row.optionalText("error_text"),
                transportError: try row.optionalText("transport_error"),
                duplicate: (try row.optionalInteger("duplicate") ?? 0) != 0)
        }
        return HistoryLine(
            id: try row.integer("seq"), at: try row.text("at"), runID: try row.integer("run_id"),
            requestID: try row.text("request_id"), requestName: try row.text("request_name"),
            environment: try row.text("environment"), method: try row.text("method"),
            identity: LaunchIdentity(
                trigger: try row.optionalText("trigger_id"), recipientKind: try row.text("recipient_kind"),
                recipient: try row.text("recipient")),
            tries: try row.optionalInt("tries") ?? 1, result: outcome?.result ?? .unknown, outcome: outcome,
            by: Operator(user: try row.text("os_user"), host: try row.text("host")))
    }
}
