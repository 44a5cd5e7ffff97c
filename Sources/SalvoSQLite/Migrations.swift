import GRDB
import SalvoMigrations

/// The store's schema history, fed from `migrations/*.sql` as embedded at build time.
enum Migrations {
    /// A migrator with every embedded migration, each applied in its own transaction.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in EmbeddedMigrations.all {
            migrator.registerMigration(migration.name) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }

    /// The schema version this salvo knows: the number of its newest migration.
    static var knownVersion: Int { EmbeddedMigrations.all.map { version(of: $0.name) }.max() ?? 0 }

    /// The number at the start of a migration's name, such as 1 for `0001_foundation`.
    static func version(of name: String) -> Int {
        Int(name.prefix { $0.isNumber }) ?? 0
    }
}
