import GRDB
import SalvoStorage

extension SQLiteStore {
    /// How the store's schema differs from the one its migrations make: every table, index, trigger and view
    /// missing, added or changed, by name. A dropped `ledger_no_update` trigger, say, makes the ledger editable
    /// in place: `audit verify` and `store check` report it.
    public func schemaDifferences() throws -> [String] {
        let expected = try Self.migratedSchema.get()
        let actual = try read { db in try Self.schema(db) }
        var differences: [String] = []
        for (name, object) in expected.sorted(by: { $0.key < $1.key }) {
            guard let found = actual[name] else {
                differences.append("schema: \(object.type) \(name) is missing")
                continue
            }
            if found != object {
                differences.append("schema: \(object.type) \(name) differs from what the migrations make")
            }
        }
        for (name, object) in actual.sorted(by: { $0.key < $1.key }) where expected[name] == nil {
            differences.append("schema: \(object.type) \(name) was added; the migrations make no such \(object.type)")
        }
        return differences
    }

    /// An object of the schema: its kind and its SQL as SQLite keeps it.
    private struct SchemaObject: Equatable {
        var type: String
        var sql: String?
    }

    /// The schema of a fresh store with every migration applied, made once per process in memory.
    private static let migratedSchema = Result { () throws -> [String: SchemaObject] in
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue)
        return try queue.read { db in try schema(db) }
    }

    private static func schema(_ db: Database) throws -> [String: SchemaObject] {
        var objects: [String: SchemaObject] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        {
            objects[row["name"]] = SchemaObject(type: row["type"], sql: row["sql"])
        }
        return objects
    }
}
