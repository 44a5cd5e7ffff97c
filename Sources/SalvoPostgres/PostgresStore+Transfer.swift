import Foundation
import PostgresNIO
import SalvoCore
import SalvoStorage

extension PostgresStore {
    /// A shared store holds no token values: each machine reads its own from a variable.
    public var holdsTokenValues: Bool { false }

    public func ledgerEntries(after seq: Int64, limit: Int) async throws -> [LedgerEntry] {
        try await reading { connection in
            try await connection.rows(
                "\(unescaped: Self.ledgerSelect) WHERE seq > \(seq) ORDER BY seq LIMIT \(Int64(limit))"
            ).map { try StoredRecords.ledgerEntry(from: $0) }
        }
    }

    public func isEmpty() async throws -> Bool {
        try await reading { connection in
            try await connection.row(
                """
                SELECT NOT EXISTS (SELECT 1 FROM environments) AND NOT EXISTS (SELECT 1 FROM requests)
                    AND NOT EXISTS (SELECT 1 FROM runs) AND NOT EXISTS (SELECT 1 FROM ledger)
                    AND NOT EXISTS (SELECT 1 FROM audit_events) AS empty
                """)?.bool("empty") ?? false
        }
    }

    public func receive(_ copy: CopiedCollection) async throws {
        for environment in copy.environments { try Self.refuseStoredToken(environment) }
        try await transaction { connection in
            try await connection.run("UPDATE store_meta SET fingerprint_key = \(copy.key) WHERE singleton = 1")
            for environment in copy.environments {
                try await self.insertEnvironment(connection, environment, asCopy: true)
            }
            try await connection.run(
                """
                UPDATE defaults SET environment_id = (SELECT id FROM environments WHERE name = \(copy.defaultEnvironment))
                """)
            for request in copy.requests { try await self.insertRequest(connection, request, asCopy: true) }
            for run in copy.runs {
                let (selection, settings) = (run.selection.compact, run.settings.compact)
                try await connection.run(
                    """
                    INSERT INTO runs (id, kind, started_at, finished_at, state, environment, selection, settings,
                        data_file, data_sha256, os_user, host)
                    OVERRIDING SYSTEM VALUE
                    VALUES (\(run.id), \(run.kind), \(run.startedAt), \(run.finishedAt), \(run.state),
                        \(run.environment), \(selection)::json, \(settings)::json, \(run.dataFile), \(run.dataSHA256),
                        \(run.by.user), \(run.by.host))
                    """)
            }
            // The next run started here is numbered after the copied ones.
            try await connection.run(
                "SELECT setval(pg_get_serial_sequence('runs', 'id'), max(id)) FROM runs HAVING count(*) > 0")
        }
    }

    public func receive(ledger entries: [LedgerEntry]) async throws {
        try await transaction { connection in
            var ledger = try await LedgerAppend.begin(connection, location: self.location)
            for entry in entries { _ = ledger.append { _ in entry } }
            try await ledger.finish(connection)
        }
    }

    public func receive(audit events: [AuditEvent]) async throws {
        try await transaction { connection in
            for event in events {
                try await self.appendAudit(
                    connection, event.action, event.entity, name: event.name, before: event.before,
                    after: event.after, at: event.at, by: event.by)
            }
        }
    }
}
