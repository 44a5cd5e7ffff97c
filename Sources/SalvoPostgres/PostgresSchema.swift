import Foundation
import PostgresNIO
import SalvoCore
import SalvoPostgresMigrations
import SalvoStorage

/// The PostgreSQL store's schema: its migrations (migrations-postgres/*.sql, embedded at build time), applied by
/// `salvo store init` only, and what `audit verify` checks of it.
enum PostgresSchema {
    /// The number of the newest migration this salvo knows.
    static var knownVersion: Int { EmbeddedMigrations.all.map { version(of: $0.name) }.max() ?? 0 }

    static func version(of name: String) -> Int { Int(name.prefix { $0.isNumber }) ?? 0 }

    /// Checks the schema, or with `initialize` creates or upgrades it (one transaction per migration, under a
    /// lock so that two `store init` at once apply each migration once) and gives the store its fingerprint key.
    static func prepare(
        _ connection: PostgresConnection, location: String, initialize: Bool, clock: @escaping @Sendable () -> Date
    ) async throws {
        guard initialize else {
            return try await migrate(connection, location: location, initialize: false, clock: clock)
        }
        try await connection.run("SELECT pg_advisory_lock(\(lockClass), 0)")
        do {
            // Created only when missing: a role that may not create tables can still run `store init` on a store
            // that is up to date.
            if try await connection.row("SELECT to_regclass('salvo_migrations') IS NULL AS missing")?.bool("missing")
                == true
            {
                try await connection.run(
                    "CREATE TABLE salvo_migrations (name text PRIMARY KEY, applied_at text NOT NULL)")
            }
            try await migrate(connection, location: location, initialize: true, clock: clock)
            try await connection.run("SELECT pg_advisory_unlock(\(lockClass), 0)")
        } catch {
            try? await connection.run("SELECT pg_advisory_unlock(\(lockClass), 0)")
            throw error
        }
    }

    private static func migrate(
        _ connection: PostgresConnection, location: String, initialize: Bool, clock: @escaping @Sendable () -> Date
    ) async throws {
        let logger = PostgresStore.logger
        let exists =
            try await connection.query("SELECT to_regclass('salvo_migrations') IS NOT NULL", logger: logger)
            .collect().first?.decode(Bool.self) ?? false
        guard exists else { throw StoreError.noSchema(path: location, upgrade: false) }
        let applied = Set(
            try await connection.query("SELECT name FROM salvo_migrations", logger: logger).collect().map {
                try $0.decode(String.self)
            })
        let known = Set(EmbeddedMigrations.all.map(\.name))
        if let newest = applied.subtracting(known).map(version(of:)).max() {
            throw StoreError.newerSchema(path: location, storeVersion: newest, knownVersion: knownVersion)
        }
        let missing = EmbeddedMigrations.all.filter { !applied.contains($0.name) }
        guard !missing.isEmpty else { return }
        guard initialize else { throw StoreError.noSchema(path: location, upgrade: !applied.isEmpty) }
        for migration in missing {
            let at = Timestamp.string(from: clock())
            try await connection.withTransaction(logger: logger) { connection in
                for statement in statements(migration.sql) {
                    try await connection.run(PostgresQuery(unsafeSQL: statement))
                }
                try await connection.run(
                    "INSERT INTO salvo_migrations (name, applied_at) VALUES (\(migration.name), \(at))")
            }
        }
        let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) })
        let at = Timestamp.string(from: clock())
        try await connection.query(
            """
            INSERT INTO store_meta (singleton, fingerprint_key, created_at) VALUES (1, \(key), \(at))
            ON CONFLICT (singleton) DO NOTHING
            """, logger: logger)
    }

    /// The statements of a migration file, one by one (the extended protocol takes one at a time): split at
    /// semicolons outside quotes, `$$` bodies and comments.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inQuote = false
        var inDollar = false
        var inComment = false
        var previous: Character = " "
        for character in sql {
            if inComment {
                if character == "\n" { inComment = false }
                previous = character
                continue
            }
            if !inQuote, !inDollar, previous == "-", character == "-" {
                current.removeLast()
                inComment = true
                previous = character
                continue
            }
            if character == "'", !inDollar { inQuote.toggle() }
            if character == "$", previous == "$", !inQuote { inDollar.toggle() }
            if character == ";", !inQuote, !inDollar {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { statements.append(statement) }
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }

    /// The advisory lock class salvo's locks use (`store init`, and runs by their id).
    static let lockClass: Int32 = 0x5A17
    /// The advisory lock class of shared runs' runners, by runner id: held while the runner's process lives.
    static let runnerLockClass: Int32 = 0x5A18

    /// The privileges salvo's role needs: append-only tables take no UPDATE or DELETE (a role without them is the
    /// safest for machines that only launch).
    static let privileges: [(table: String, privileges: [String])] = [
        ("ledger", ["SELECT", "INSERT"]), ("audit_events", ["SELECT", "INSERT"]),
        ("chain_heads", ["SELECT", "UPDATE"]), ("runs", ["SELECT", "INSERT", "UPDATE"]),
        ("environments", ["SELECT", "INSERT", "UPDATE", "DELETE"]),
        ("requests", ["SELECT", "INSERT", "UPDATE", "DELETE"]),
        ("request_tags", ["SELECT", "INSERT", "DELETE"]), ("defaults", ["SELECT", "UPDATE"]),
        ("store_meta", ["SELECT"]), ("shared_runs", ["SELECT", "INSERT", "UPDATE"]),
        ("run_rows", ["SELECT", "INSERT", "DELETE"]), ("runners", ["SELECT", "INSERT", "UPDATE"]),
        ("run_chunks", ["SELECT", "INSERT", "UPDATE"]),
    ]

    /// Creates `role` (a login role, when it does not exist) and grants it what salvo needs and no more: nothing
    /// can UPDATE, DELETE or TRUNCATE the ledger or the audit trail as that role, triggers or not.
    static func grantLauncher(_ connection: PostgresConnection, role: String) async throws {
        try validate(role: role)
        let quoted = "\"\(role.lowercased())\""
        try await connection.withTransaction(logger: PostgresStore.logger) { connection in
            let exists = try await connection.row(
                """
                SELECT rolsuper OR rolname = current_user
                    OR rolname = (SELECT tableowner FROM pg_tables WHERE tablename = 'ledger' LIMIT 1) AS powerful
                FROM pg_roles WHERE rolname = \(role.lowercased())
                """)
            if try exists?.bool("powerful") == true {
                throw InputError(
                    "role '\(role.lowercased())' is a superuser or the store's owner: it can change history whatever "
                        + "salvo grants; name a new role for launching machines")
            }
            if exists == nil { try await connection.run(PostgresQuery(unsafeSQL: "CREATE ROLE \(quoted) LOGIN")) }
            var statements = [
                "GRANT CONNECT ON DATABASE \"\(try await currentDatabase(connection))\" TO \(quoted)",
                "GRANT USAGE ON SCHEMA public TO \(quoted)",
                "GRANT SELECT ON salvo_migrations TO \(quoted)",
                "REVOKE UPDATE, DELETE, TRUNCATE ON ledger, audit_events FROM \(quoted)",
            ]
            for (table, privileges) in privileges {
                statements.append("GRANT \(privileges.joined(separator: ", ")) ON \(table) TO \(quoted)")
            }
            for statement in statements { try await connection.run(PostgresQuery(unsafeSQL: statement)) }
        }
    }

    /// Throws unless `role` is a name `grantLauncher` makes: letters, digits and _, a letter or _ first.
    static func validate(role: String) throws(InputError) {
        guard role.count <= 63, let first = role.first, first.isLetter || first == "_",
            role.allSatisfy({ ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII })
        else {
            throw InputError(
                "--create-role '\(Name.printable(role))' is not a role name salvo makes (letters, digits, _; at most "
                    + "63, a letter or _ first)")
        }
    }

    private static func currentDatabase(_ connection: PostgresConnection) async throws -> String {
        let name = try await connection.row("SELECT current_database() AS name")?.text("name") ?? ""
        return name.replacing("\"", with: "\"\"")
    }

    /// The append-only triggers every store must have, enabled: without one, a table can be changed unseen.
    static let triggers: [(table: String, name: String)] = [
        ("ledger", "ledger_no_update"), ("ledger", "ledger_no_delete"), ("ledger", "ledger_no_truncate"),
        ("audit_events", "audit_events_no_update"), ("audit_events", "audit_events_no_delete"),
        ("audit_events", "audit_events_no_truncate"),
    ]

    /// How the store's schema differs from the one its migrations make: a missing or disabled append-only
    /// trigger, a table or column gone.
    static func differences(_ connection: PostgresConnection) async throws -> [String] {
        let logger = PostgresStore.logger
        var found: [String] = []
        let rows = try await connection.query(
            """
            SELECT c.relname, t.tgname, t.tgenabled::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND c.relname IN ('ledger', 'audit_events')
            """, logger: logger
        ).collect()
        var present: [String: String] = [:]
        for row in rows {
            let (table, name, enabled) = try row.decode((String, String, String).self)
            present["\(table).\(name)"] = enabled
        }
        for trigger in triggers {
            switch present["\(trigger.table).\(trigger.name)"] {
            case nil: found.append("schema: trigger \(trigger.name) is missing")
            case "D"?: found.append("schema: trigger \(trigger.name) is disabled")
            default: break
            }
        }
        let function = try await connection.query(
            "SELECT prosrc FROM pg_proc WHERE proname = 'salvo_append_only'", logger: logger
        ).collect().first?.decode(String.self)
        if function?.contains("RAISE EXCEPTION") != true {
            found.append("schema: function salvo_append_only was changed (it no longer refuses changes)")
        }
        return found
    }
}
