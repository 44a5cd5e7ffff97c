import Foundation
import GRDB
import SalvoCore
import SalvoStorage

@testable import SalvoSQLite

/// A temporary folder holding a fresh store path, removed when the test is done.
final class StoreFixture {
    let folder: String
    let path: String
    static let author = Operator(user: "tester", host: "test-host")

    init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("salvo-store-\(UUID().uuidString)").path
        path = folder + "/nested/salvo.db"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func open(clock: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) }) throws
        -> SQLiteStore
    {
        try SQLiteStore.open(at: path, author: Self.author, clock: clock)
    }

    /// Appends an attempt of request `w` to `prod` (a@x.io, Request-ID `old-1`) as salvo wrote it before content
    /// keys and identities existed (no such columns set), chained after the last entry, its hash `hash`. Returns
    /// the row written.
    @discardableResult
    static func appendLegacyAttempt(_ db: Database, run: Int64, hash: String) throws -> Row {
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1")!
        try db.execute(
            sql: """
                INSERT INTO ledger (seq, kind, at, run_id, request_id, try, request_name, method, environment,
                    base_url, url, recipient_kind, recipient, request_headers, request_body, token_fingerprint,
                    os_user, host, prev_hash, hash)
                VALUES (?, 'attempt', '2026-11-01T00:00:00.000Z', ?, 'old-1', 1, 'w', 'campaigns/triggers/start',
                    'prod', 'https://example.com', 'https://example.com/api/v1.1/campaigns/triggers/start',
                    'email', 'a@x.io', '[]', '{}', 'fp:000000000000', 'old', 'old-host', ?, ?)
                """, arguments: [(last["seq"] as Int64) + 1, run, last["hash"] as String, hash])
        return try Row.fetchOne(db, sql: "SELECT * FROM ledger ORDER BY seq DESC LIMIT 1")!
    }

    /// The path of a file beside this test file.
    static func fixture(_ name: String, file: String = #filePath) -> String {
        URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    /// The repository's `migrations/` folder.
    static func migrationsFolder(file: String = #filePath) -> String {
        URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("migrations").path
    }
}

extension Environment {
    static func sample(_ name: String = "prod", token: String = "secret-token") -> Environment {
        Environment(
            name: name, baseURL: "https://example.com", token: .stored(token), variables: ["brand": "Acme"],
            guardSeconds: 3_600, insecure: true, trailingSlash: true)
    }
}

extension LaunchRequest {
    static func sample(_ name: String, folder: String = "", tags: [String] = [], environment: String? = nil)
        -> LaunchRequest
    {
        LaunchRequest(
            name: name, kind: .trigger, method: LaunchRequest.triggerMethod, folder: folder, tags: tags,
            environment: environment, body: ["id": 1, "matching": "email", "email": "{{email}}"])
    }
}
