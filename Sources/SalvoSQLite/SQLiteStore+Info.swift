import Foundation
import GRDB
import SalvoStorage

extension SQLiteStore {
    /// Path, schema version, size and counts.
    public func info() throws -> StoreInfo {
        let files = FileManager.default
        let size = [path, path + "-wal"].reduce(Int64(0)) { total, file in
            total + ((try? files.attributesOfItem(atPath: file)[.size] as? Int64) ?? 0)
        }
        let defaultEnvironment = try defaultEnvironmentName()
        return try read { db in
            let applied = try Migrations.migrator.appliedIdentifiers(db)
            return StoreInfo(
                path: path, schemaVersion: applied.map(Migrations.version(of:)).max() ?? 0,
                knownVersion: Migrations.knownVersion, sizeBytes: size,
                environments: try Int.fetchOne(db, sql: "SELECT count(*) FROM environments") ?? 0,
                requests: try Int.fetchOne(db, sql: "SELECT count(*) FROM requests") ?? 0,
                auditEvents: try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_events") ?? 0,
                defaultEnvironment: defaultEnvironment)
        }
    }

    /// The SQLite library's version.
    public func serverNotes() throws -> [String] {
        try read { db in ["SQLite \(try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?")"] }
    }

    /// SQLite's integrity and foreign-key checks, and the schema against the migrations'; empty when the store
    /// is sound.
    public func check() throws -> [String] {
        try schemaDifferences()
            + read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
                let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { row in
                    "row \(row["rowid"] as Int64? ?? 0) of \(row["table"] as String? ?? "?") points to a row of "
                        + "\(row["parent"] as String? ?? "?") that is not there"
                }
                return integrity + foreignKeys
            }
    }
}

extension SQLiteStore {
    /// SQLite's own findings on a store too damaged to open as one: `PRAGMA integrity_check` on a read-only
    /// connection, or the error that stops even that.
    public static func findings(at path: String) -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        var found: [String] = []
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            // Row by row: the check can stop on an error after reporting some pages.
            try queue.read { db in
                let rows = try String.fetchCursor(db, sql: "PRAGMA integrity_check")
                while let row = try rows.next() { if row != "ok" { found.append(row) } }
            }
        } catch {
            found.append("SQLite: \((error as? DatabaseError)?.message ?? "\(error)")")
        }
        return found
    }

    /// Every table's rows of the store at `path` as text, read without writing (nor migrating): equal dumps
    /// mean an unchanged store. `excludingTokenColumn` leaves out the one column allowed to hold a token.
    public static func dump(at path: String, excludingTokenColumn: Bool = false) throws -> String {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            var text = ""
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            for table in tables {
                var columns = try db.columns(in: table).map(\.name)
                if excludingTokenColumn && table == "environments" { columns.removeAll { $0 == "token" } }
                let list = columns.map { "quote(\"\($0)\")" }.joined(separator: " || ',' || ")
                text += "== \(table)\n"
                for line in try String.fetchAll(db, sql: "SELECT \(list) FROM \"\(table)\"") { text += line + "\n" }
            }
            return text
        }
    }
}
