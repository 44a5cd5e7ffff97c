import Foundation
import GRDB

/// What `salvo store info` reports.
public struct StoreInfo: Sendable {
    public var path: String
    public var schemaVersion: Int
    public var knownVersion: Int
    /// The main file plus its WAL, in bytes.
    public var sizeBytes: Int64
    public var environments: Int
    public var requests: Int
    public var auditEvents: Int
    public var defaultEnvironment: String?
}

extension Store {
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

    /// SQLite's integrity and foreign-key checks; empty when the store is sound.
    public func check() throws -> [String] {
        try read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { row in
                "row \(row["rowid"] as Int64? ?? 0) of \(row["table"] as String? ?? "?") points to a missing \(row["parent"] as String? ?? "?")"
            }
            return integrity + foreignKeys
        }
    }
}
