import Foundation
import GRDB
import SalvoCore
import SalvoStorage

extension SQLiteStore {
    public var holdsTokenValues: Bool { true }

    public func ledgerEntries(after seq: Int64, limit: Int) throws -> [LedgerEntry] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM ledger WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit]
            ).map { try StoredRecords.ledgerEntry(from: StoredRow(row: $0)) }
        }
    }

    public func isEmpty() throws -> Bool {
        try read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT NOT EXISTS (SELECT 1 FROM environments) AND NOT EXISTS (SELECT 1 FROM requests)
                        AND NOT EXISTS (SELECT 1 FROM runs) AND NOT EXISTS (SELECT 1 FROM ledger)
                        AND NOT EXISTS (SELECT 1 FROM audit_events)
                    """) ?? false
        }
    }

    public func receive(_ copy: CopiedCollection) throws {
        try write { db in
            try db.execute(sql: "UPDATE store_meta SET fingerprint_key = ? WHERE singleton = 1", arguments: [copy.key])
            for environment in copy.environments { try insertEnvironment(db, environment, asCopy: true) }
            try db.execute(
                sql: "UPDATE defaults SET environment_id = (SELECT id FROM environments WHERE name = ?)",
                arguments: [copy.defaultEnvironment])
            for request in copy.requests { try insertRequest(db, request, asCopy: true) }
            for run in copy.runs {
                try db.execute(
                    sql: """
                        INSERT INTO runs (id, kind, started_at, finished_at, state, environment, selection, settings,
                            data_file, data_sha256, os_user, host)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        run.id, run.kind, run.startedAt, run.finishedAt, run.state, run.environment,
                        run.selection.compact, run.settings.compact, run.dataFile, run.dataSHA256, run.by.user,
                        run.by.host,
                    ])
            }
        }
    }

    public func receive(ledger entries: [LedgerEntry]) throws {
        try write { db in
            for entry in entries { _ = try appendLedger(db) { _ in entry } }
        }
    }

    public func receive(audit events: [AuditEvent]) throws {
        try write { db in
            for event in events {
                try Self.appendAudit(
                    db, at: event.at, by: event.by, event.action, event.entity, name: event.name, before: event.before,
                    after: event.after)
            }
        }
    }
}
