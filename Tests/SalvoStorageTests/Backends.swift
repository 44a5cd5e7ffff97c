import Foundation
import SalvoCore
import SalvoPostgres
import SalvoSQLite
import SalvoStorage
import SalvoTestSupport
import Testing

/// A backend the conformance suite runs against: it makes fresh, empty stores.
struct Backend: Sendable, CustomTestStringConvertible {
    let name: String
    /// Whether environments may hold a token's value (not in a shared store).
    let holdsTokens: Bool
    /// The statement that drops trigger `name` of `table`, in the backend's own SQL.
    let dropTrigger: @Sendable (_ name: String, _ table: String) -> String
    let make: @Sendable (_ clock: @escaping @Sendable () -> Date) async throws -> StoreUnderTest

    var testDescription: String { name }

    /// Every backend salvo has; a new one is done when the whole suite passes against it.
    static let all: [Backend] = [.sqlite, .postgres]

    static let sqlite = Backend(name: "SQLite", holdsTokens: true, dropTrigger: { name, _ in "DROP TRIGGER \(name)" }) {
        clock in
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("salvo-conf-\(UUID().uuidString)")
            .path
        let path = folder + "/salvo.db"
        return StoreUnderTest(
            store: try SQLiteStore.open(at: path, author: StoreUnderTest.author, clock: clock),
            another: { author in try SQLiteStore.open(at: path, author: author, create: false, clock: clock) },
            execute: { sql in try await SQLite3.run(sql, on: path) },
            cleanup: { try? FileManager.default.removeItem(atPath: folder) })
    }

    /// A new database in the tests' throwaway PostgreSQL cluster.
    static let postgres = Backend(
        name: "PostgreSQL", holdsTokens: false, dropTrigger: { "DROP TRIGGER \($0) ON \($1)" }
    ) { clock in
        let url = try PostgresURL(try await TestPostgres.database())
        return StoreUnderTest(
            store: try await PostgresStore.open(url, author: StoreUnderTest.author, initialize: true, clock: clock),
            another: { author in try await PostgresStore.open(url, author: author, clock: clock) },
            execute: { sql in try await TestPostgres.execute(sql, on: url.display) },
            cleanup: {})
    }
}

/// A fresh store of one backend, with what the suite needs beside the protocols: a second handle on the same
/// store (another process, another machine), and raw statements as its owner, for tampering.
final class StoreUnderTest: Sendable {
    static let author = Operator(user: "tester", host: "test-host")
    /// A fixed clock: 2027-01-15T08:00:00Z.
    static let fixedClock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) }

    let store: any Storage
    let another: @Sendable (Operator) async throws -> any Storage
    let execute: @Sendable (String) async throws -> Void
    private let cleanup: @Sendable () -> Void

    init(
        store: any Storage, another: @escaping @Sendable (Operator) async throws -> any Storage,
        execute: @escaping @Sendable (String) async throws -> Void, cleanup: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.another = another
        self.execute = execute
        self.cleanup = cleanup
    }

    func close() async {
        await store.close()
        cleanup()
    }
}

extension Backend {
    /// Runs `body` with a fresh store of this backend, closed and removed afterwards.
    func withStore(
        clock: @escaping @Sendable () -> Date = StoreUnderTest.fixedClock,
        _ body: (StoreUnderTest) async throws -> Void
    ) async throws {
        let under = try await make(clock)
        do {
            try await body(under)
            await under.close()
        } catch {
            await under.close()
            throw error
        }
    }
}

/// The `sqlite3` shell (Debian's package, installed by scripts/install-deps.sh), for statements salvo never runs.
enum SQLite3 {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ sql: String, on path: String) async throws {
        let errors = path + ".sqlite3-errors"
        defer { try? FileManager.default.removeItem(atPath: errors) }
        let status = await try Child("/usr/bin/sqlite3", ["-bail", path, sql], environment: [:], stderr: errors)
            .exit()
        let message = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        guard status == 0 else { throw Failed(description: message) }
    }
}

extension Environment {
    /// An environment whose token every backend can hold: a variable's name (a shared store holds no values).
    static func sample(
        _ name: String = "prod", token: TokenSource = .variable("PROD_TOKEN"), baseURL: String = "https://example.com"
    ) -> Environment {
        Environment(
            name: name, baseURL: baseURL, token: token, variables: ["brand": "Acme"],
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
