import GRDB
import SalvoCore
import SalvoMigrations
import SalvoStorage

/// The store's schema history, fed from `migrations/*.sql` as embedded at build time.
enum Migrations {
    /// A migrator with every embedded migration, each applied in its own transaction.
    static var migrator: DatabaseMigrator { migrator(upgradedBy: Operator(user: "salvo", host: "salvo"), at: "") }

    /// A migrator whose upgrades are recorded as made by `author` at `at`: the migration that puts runs in the
    /// audit trail enters the runs it finds there with an `adopt` event each.
    static func migrator(upgradedBy author: Operator, at: String) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in EmbeddedMigrations.all {
            migrator.registerMigration(migration.name) { db in
                try db.execute(sql: migration.sql)
                if migration.name == runTrailMigration { try adoptRuns(db, by: author, at: at) }
            }
        }
        return migrator
    }

    /// The migration that puts runs in the audit trail.
    static let runTrailMigration = "0004_run_trail"

    /// Enters every run into the audit trail as it stands, for the upgrade that starts chaining runs.
    private static func adoptRuns(_ db: Database, by author: Operator, at: String) throws {
        let runs = try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map {
            try StoredRecords.runFacts(from: StoredRow(row: $0))
        }
        for run in runs {
            try SQLiteStore.appendAudit(
                db, at: at, by: author, .adopt, .run, name: run.name, before: nil, after: run.document)
        }
    }

    /// The schema version this salvo knows: the number of its newest migration.
    static var knownVersion: Int { EmbeddedMigrations.all.map { version(of: $0.name) }.max() ?? 0 }

    /// The number at the start of a migration's name, such as 1 for `0001_foundation`.
    static func version(of name: String) -> Int {
        Int(name.prefix { $0.isNumber }) ?? 0
    }
}
