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
    /// `at` and `by` are now and this store's author but for a copied event (`store copy`).
    func appendAudit(
        _ connection: PostgresConnection, _ action: AuditEvent.Action, _ entity: AuditEvent.Entity, name: String,
        before: JSONValue?, after: JSONValue?, at: String? = nil, by: Operator? = nil
    ) async throws {
        let (at, author) = (at ?? now, by ?? author)
        guard let head = try await connection.row("SELECT seq, hash FROM chain_heads WHERE chain = 'audit' FOR UPDATE")
        else { throw StoreError.corrupt(path: location, detail: "the audit trail's head row is missing") }
        let (id, previous) = (try head.integer("seq") + 1, try head.text("hash"))
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
        var verifier = ChainVerifier()
        var next: Int64 = 1
        ledger: while true {
            let page = try await reading { [next] connection in
                try await connection.rows(
                    "\(unescaped: Self.ledgerSelect) WHERE seq >= \(next) ORDER BY seq LIMIT \(Self.page)")
            }
            for row in page {
                let entry = try? StoredRecords.ledgerEntry(from: row)
                guard
                    verifier.ledger(
                        seq: (try? row.integer("seq")) ?? 0, previousHash: try? row.text("prev_hash"), entry: entry,
                        holdsExactly: entry.map { Self.holdsExactly($0, row) } ?? false, hash: try? row.text("hash"))
                else { break ledger }
                next = ((try? row.integer("seq")) ?? next) + 1
            }
            if page.count < Self.page { break }
        }
        next = 1
        audit: while true {
            let page = try await reading { [next] connection in
                try await connection.rows(
                    """
                    SELECT \(unescaped: Self.auditColumns) FROM audit_events WHERE id >= \(next) ORDER BY id
                    LIMIT \(Self.page)
                    """)
            }
            for row in page {
                let id = (try? row.integer("id")) ?? 0
                guard verifier.audit(id: id, try? Self.auditEvent(from: row)) else { break audit }
                next = id + 1
            }
            if page.count < Self.page { break }
        }
        verifier.add(try await reading { connection in try await PostgresSchema.differences(connection) })
        if verifier.report.problems.isEmpty {
            verifier.add(
                try await headDifferences(ledger: verifier.report.ledgerHead, audit: verifier.report.auditHead))
        }
        return verifier.report
    }

    /// Where the chains' head rows differ from the chains' last rows, which every append moves them to: a head
    /// moved by hand would make the next append leave a gap that looks like a deletion.
    private func headDifferences(ledger: String, audit: String) async throws -> [String] {
        let heads = try await reading { connection in
            try await connection.rows("SELECT chain, seq, hash FROM chain_heads ORDER BY chain")
        }
        var problems: [String] = []
        for head in heads {
            let chain = try head.text("chain")
            let last = try await reading { connection in
                try await connection.row(
                    chain == "ledger"
                        ? "SELECT count(*) AS n FROM ledger" : "SELECT count(*) AS n FROM audit_events")
            }
            let (count, expected) = (try last?.integer("n") ?? 0, chain == "ledger" ? ledger : audit)
            if try head.integer("seq") != count || head.text("hash") != expected {
                problems.append(
                    "the \(chain == "ledger" ? "ledger" : "audit trail")'s head row (chain_heads) was changed: it says "
                        + "#\(try head.integer("seq")), the chain ends at #\(count)")
            }
        }
        return problems
    }

    /// Rows per page of `verify`: each page is a short read, never one long snapshot on a shared server.
    static let page: Int64 = 2000

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

    /// The schema's append-only triggers, and the privileges salvo needs on each table.
    public func check() async throws -> [String] {
        try await reading { connection in
            var problems = try await PostgresSchema.differences(connection)
            for (table, privileges) in PostgresSchema.privileges {
                for privilege in privileges {
                    let granted = try await connection.row(
                        "SELECT has_table_privilege(current_user, \(table), \(privilege)) AS granted")?.bool("granted")
                    if granted != true {
                        problems.append("grants: \(self.url.user) has no \(privilege) on \(table) (salvo needs it)")
                    }
                }
            }
            return problems
        }
    }

    /// The server's version, and warnings about settings that could lose attempts the server acknowledged: a
    /// standby without synchronous replication (a failover loses what it had not received), `fsync` or
    /// `synchronous_commit` off.
    public func serverNotes() async throws -> [String] {
        try await reading { connection in
            let row = try await connection.row(
                """
                SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
                    current_setting('synchronous_commit') AS synchronous_commit,
                    current_setting('synchronous_standby_names') AS synchronous_standbys,
                    (SELECT count(*) FROM pg_stat_replication) AS standbys
                """)
            var notes = ["PostgreSQL \(try row?.text("version") ?? "?")"]
            let standbys = try row?.integer("standbys") ?? 0
            if standbys > 0, (try row?.text("synchronous_standbys") ?? "").isEmpty {
                notes.append(
                    "warning: the server has \(standbys) standby(s) but no synchronous replication: a failover could "
                        + "lose attempts it had acknowledged (set synchronous_standby_names)")
            }
            if try row?.text("fsync") == "off" {
                notes.append(
                    "warning: fsync is off on the server: a crash of its machine could lose acknowledged attempts")
            }
            if try row?.text("synchronous_commit") == "off" {
                notes.append(
                    "warning: synchronous_commit is off: the server acknowledges commits before they are durable")
            }
            return notes
        }
    }
}
