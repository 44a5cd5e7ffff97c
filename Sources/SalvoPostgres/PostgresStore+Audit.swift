import PostgresNIO
import SalvoCore
import SalvoStorage

extension PostgresStore {
    public func auditEvents(since: String?, user: String?) async throws -> [AuditEvent] {
        try await reading { connection in
            var statement = SQLStatement("SELECT \(Self.auditColumns) FROM audit_events")
            var conditions: [String] = []
            if let since { conditions.append("at >= \(statement.bind(since))") }
            if let user { conditions.append("os_user = \(statement.bind(user))") }
            if !conditions.isEmpty { statement.text += " WHERE " + conditions.joined(separator: " AND ") }
            statement.text += " ORDER BY id"
            return try await connection.rows(statement.query).map(Self.auditEvent(from:))
        }
    }

    /// Appends an event to the audit trail inside the caller's transaction, numbered and chained from the trail's
    /// head row, which it locks until the transaction ends: writers on many machines make one gapless chain.
    func appendAudit(
        _ connection: PostgresConnection, _ action: AuditEvent.Action, _ entity: AuditEvent.Entity, name: String,
        before: JSONValue?, after: JSONValue?
    ) async throws {
        guard let head = try await connection.row("SELECT seq, hash FROM chain_heads WHERE chain = 'audit' FOR UPDATE")
        else { throw StoreError.corrupt(path: location, detail: "the audit trail's head row is missing") }
        let (id, previous) = (try head.integer("seq") + 1, try head.text("hash"))
        let at = now
        let hash = AuditEvent.chainHash(
            previous: previous, at: at, by: author, action: action, entity: entity, name: name, before: before,
            after: after)
        let (beforeText, afterText) = (before?.compact, after?.compact)
        try await connection.run(
            """
            INSERT INTO audit_events (id, at, os_user, host, action, entity, name, before, after, prev_hash, hash)
            VALUES (\(id), \(at), \(author.user), \(author.host), \(action.rawValue), \(entity.rawValue), \(name),
                \(beforeText)::json, \(afterText)::json, \(previous), \(hash))
            """)
        try await connection.run("UPDATE chain_heads SET seq = \(id), hash = \(hash) WHERE chain = 'audit'")
    }

    static let auditColumns =
        "id, at, os_user, host, action, entity, name, before::text AS before, after::text AS after, prev_hash, hash"

    static func auditEvent(from row: PGRow) throws -> AuditEvent {
        guard let action = AuditEvent.Action(rawValue: try row.text("action")),
            let entity = AuditEvent.Entity(rawValue: try row.text("entity"))
        else {
            throw StoreError.corrupt(
                path: "audit_events", detail: "event #\(try row.integer("id")) has an unknown action")
        }
        return AuditEvent(
            id: try row.integer("id"), at: try row.text("at"),
            by: Operator(user: try row.text("os_user"), host: try row.text("host")), action: action, entity: entity,
            name: try row.text("name"), before: try row.optionalJSON("before"), after: try row.optionalJSON("after"),
            previousHash: try row.text("prev_hash"), hash: try row.text("hash"))
    }

    /// Walks both chains in pages of short transactions (never one long snapshot on a shared server),
    /// recomputing every hash, and checks the schema's append-only triggers.
    public func verify() async throws -> VerifyReport {
        var report = VerifyReport()
        var previous = HashChain.genesis
        var expected: Int64 = 1
        ledger: while true {
            let page = try await reading { connection in
                try await connection.rows(
                    "\(unescaped: Self.ledgerSelect) WHERE seq >= \(expected) ORDER BY seq LIMIT 2000")
            }
            for row in page {
                let seq = try row.integer("seq")
                guard (try? row.text("prev_hash")) == previous, seq == expected else {
                    report.problems.append(
                        "ledger entry #\(seq) does not follow entry #\(expected - 1): an entry before it was deleted, "
                            + "inserted or re-ordered")
                    break ledger
                }
                guard let entry = try? StoredRecords.ledgerEntry(from: row), Self.holdsExactly(entry, row) else {
                    report.problems.append(
                        "ledger entry #\(seq) was changed after it was written (it holds values salvo never writes)")
                    break ledger
                }
                let hash = entry.hash(previous: previous)
                guard hash == (try? row.text("hash")) else {
                    report.problems.append(
                        "ledger entry #\(seq) was changed after it was written (its hash does not match)")
                    break ledger
                }
                previous = hash
                expected = seq + 1
                report.ledgerEntries += 1
            }
            if page.count < 2000 { break }
        }
        report.ledgerHead = previous
        previous = HashChain.genesis
        var next: Int64 = 1
        audit: while true {
            let page = try await reading { connection in
                try await connection.rows(
                    "SELECT \(unescaped: Self.auditColumns) FROM audit_events WHERE id >= \(next) ORDER BY id LIMIT 2000"
                )
            }
            for row in page {
                guard let event = try? Self.auditEvent(from: row) else {
                    report.problems.append(
                        "audit event #\((try? row.integer("id")) ?? 0) holds values salvo never writes")
                    break audit
                }
                guard event.previousHash == previous, event.id == next else {
                    report.problems.append(
                        "audit event #\(event.id) does not follow the one before it: an event was deleted or re-ordered"
                    )
                    break audit
                }
                let hash = AuditEvent.chainHash(
                    previous: previous, at: event.at, by: event.by, action: event.action, entity: event.entity,
                    name: event.name, before: event.before, after: event.after)
                guard hash == event.hash else {
                    report.problems.append(
                        "audit event #\(event.id) was changed after it was written (its hash does not match)")
                    break audit
                }
                previous = hash
                next = event.id + 1
                report.auditEvents += 1
            }
            if page.count < 2000 { break }
        }
        report.auditHead = previous
        report.problems += try await reading { connection in try await PostgresSchema.differences(connection) }
        return report
    }

    public func chainHashes(ledgerEntry: Int, auditEvent: Int) async throws -> (ledger: String?, audit: String?) {
        try await reading { connection in
            let ledger =
                ledgerEntry == 0
                ? HashChain.genesis
                : try await connection.row("SELECT hash FROM ledger WHERE seq = \(Int64(ledgerEntry))")?.text("hash")
            let audit =
                auditEvent == 0
                ? HashChain.genesis
                : try await connection.row("SELECT hash FROM audit_events WHERE id = \(Int64(auditEvent))")?.text(
                    "hash")
            return (ledger, audit)
        }
    }

    public func info() async throws -> StoreInfo {
        let defaultEnvironment = try await defaultEnvironmentName()
        return try await reading { connection in
            let row = try await connection.row(
                """
                SELECT (SELECT count(*) FROM environments) AS environments, (SELECT count(*) FROM requests) AS requests,
                    (SELECT count(*) FROM audit_events) AS audit_events, pg_database_size(current_database()) AS size,
                    (SELECT max(name) FROM salvo_migrations) AS newest
                """)
            return StoreInfo(
                path: self.location,
                schemaVersion: PostgresSchema.version(of: try row?.optionalText("newest") ?? ""),
                knownVersion: PostgresSchema.knownVersion, sizeBytes: try row?.integer("size") ?? 0,
                environments: Int(try row?.integer("environments") ?? 0),
                requests: Int(try row?.integer("requests") ?? 0),
                auditEvents: Int(try row?.integer("audit_events") ?? 0), defaultEnvironment: defaultEnvironment)
        }
    }

    /// The schema's append-only triggers.
    public func check() async throws -> [String] {
        try await reading { connection in try await PostgresSchema.differences(connection) }
    }
}
