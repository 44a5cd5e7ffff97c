import Foundation
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
