import Foundation
import GRDB
import SalvoMigrations
import SalvoStorage
import Testing

@testable import SalvoSQLite

@Suite("Migrations: embedded, applied in order, newer stores refused")
struct MigrationTests {
    @Test("the embedded migrations are exactly the files in migrations/ (the generated code is not stale)")
    func embeddedMatchFiles() throws {
        let folder = StoreFixture.migrationsFolder()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(EmbeddedMigrations.all.map(\.name) == files.map { String($0.dropLast(4)) })
        for (migration, file) in zip(EmbeddedMigrations.all, files) {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            #expect(migration.sql == text, "\(file) differs from the embedded copy")
            #expect(
                file.range(of: #"^\d{4}_[a-z0-9_]+\.sql$"#, options: .regularExpression) != nil,
                "\(file) is not NNNN_name.sql")
        }
    }

    @Test("a new store gets every migration; its schema matches the golden file Fixtures/schema.sql")
    func schemaSnapshot() throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        let schema = try store.pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT sql || ';' FROM sqlite_master
                    WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                    ORDER BY type, name
                    """
            ).joined(separator: "\n") + "\n"
        }
        let golden = StoreFixture.fixture("schema.sql")
        if ProcessInfo.processInfo.environment["SALVO_RECORD"] == "1" {
            try schema.write(toFile: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: golden, encoding: .utf8)
        #expect(schema == expected, "schema changed: review it, then re-record with SALVO_RECORD=1 swift test")
        #expect(try store.info().schemaVersion == Migrations.knownVersion)
    }

    @Test("the store file is 0600 and a new folder 0700")
    func permissions() throws {
        let fixture = StoreFixture()
        try fixture.open().close()
        let file = try FileManager.default.attributesOfItem(atPath: fixture.path)[.posixPermissions] as? Int
        let folder =
            try FileManager.default.attributesOfItem(atPath: fixture.folder + "/nested")[.posixPermissions] as? Int
        #expect(file == 0o600)
        #expect(folder == 0o700)
    }

    @Test("a store from a newer salvo is refused with both versions named, and left untouched")
    func newerStoreRefused() throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        try store.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('0099_from_the_future')")
        }
        store.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.path))
        #expect(
            throws: StoreError.newerSchema(path: fixture.path, storeVersion: 99, knownVersion: Migrations.knownVersion)
        ) { try fixture.open() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.path)) == before)
    }

    @Test("a file that is not SQLite is refused as such")
    func notADatabase() throws {
        let fixture = StoreFixture()
        try FileManager.default.createDirectory(atPath: fixture.folder + "/nested", withIntermediateDirectories: true)
        let junk = Data(String(repeating: "this is not a database\n", count: 100).utf8)
        try junk.write(to: URL(fileURLWithPath: fixture.path))
        #expect(throws: StoreError.notADatabase(path: fixture.path)) { try fixture.open() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.path)) == junk)
    }

    @Test("many first-time opens of one store at once all succeed")
    func concurrentFirstOpens() async throws {
        let fixture = StoreFixture()
        let path = fixture.path
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    let store = try SQLiteStore.open(at: path, author: StoreFixture.author)
                    _ = try store.info()
                    store.close()
                }
            }
            try await group.waitForAll()
        }
        let store = try fixture.open()
        defer { store.close() }
        #expect(
            try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") }
                == EmbeddedMigrations.all.count)
    }
}
