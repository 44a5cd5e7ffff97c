import Foundation
import Logging
import NIOSSL
import PostgresNIO
import SalvoCore
import SalvoPostgresMigrations
import SalvoStorage
import Synchronization

/// A team's shared store on PostgreSQL: the collection, the ledger, runs and the audit trail, for many machines
/// at once. All of its SQL lives in this module.
///
/// One pool of connections per process (`PostgresClient`, run in a task of its own). Every change is one
/// transaction; the ledger and the audit trail take their numbers and previous hashes from a head row locked in
/// the appending transaction, so many writers make one gapless chain with the hashes SQLite makes.
public final class PostgresStore: Storage {
    public let url: PostgresURL
    public let fingerprinter: TokenFingerprinter
    public let fingerprintKey: Data
    let client: PostgresClient
    let author: Operator
    let clock: @Sendable () -> Date
    private let running: Task<Void, Never>
    /// How long a call waits for the server's answer before the store is given up.
    let answerSeconds: Double
    /// Set once the server failed to answer in time: every later call fails at once.
    private let lostServer = Atomic<Bool>(false)
    static let logger = Logger(label: "salvo.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    public var location: String { url.display }
    /// Nothing local: the store is on the server.
    public var files: [String] { [] }

    private init(
        url: PostgresURL, client: PostgresClient, running: Task<Void, Never>, key: Data, author: Operator,
        answerSeconds: Double, clock: @escaping @Sendable () -> Date
    ) {
        self.url = url
        self.answerSeconds = answerSeconds
        self.client = client
        self.running = running
        self.fingerprinter = TokenFingerprinter(key: key)
        self.fingerprintKey = key
        self.author = author
        self.clock = clock
    }

    /// Opens the store at `url`. `initialize` creates or upgrades its schema (`salvo store init`); without it a
    /// database with no salvo schema, or an older one, is `StoreError.noSchema` and one with a newer schema is
    /// refused, and nothing is written.
    ///
    /// With `initialize`, `launcherRole` names a role to create (when missing) and grant what launching machines
    /// need, without UPDATE, DELETE or TRUNCATE on the ledger and the audit trail. `answerSeconds`: how long a
    /// call waits for the server's answer (a server restarted mid-call may never give one).
    public static func open(
        _ url: PostgresURL, author: Operator, initialize: Bool = false, launcherRole: String? = nil,
        answerSeconds: Double = 30, clock: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> PostgresStore {
        if let launcherRole { try PostgresSchema.validate(role: launcherRole) }
        // One connection of its own first: a server that cannot be reached fails at once (a pool would retry),
        // and the schema is checked before anything else is done.
        let key: Data?
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try connectionConfiguration(url), id: 0, logger: logger)
            do {
                try await PostgresSchema.prepare(
                    connection, location: url.display, initialize: initialize, clock: clock)
                if initialize, let launcherRole {
                    try await PostgresSchema.grantLauncher(connection, role: launcherRole)
                }
                key = try await connection.query(
                    "SELECT fingerprint_key FROM store_meta WHERE singleton = 1", logger: logger
                ).collect().first?.decode(Data.self)
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw translate(error, location: url.display)
        }
        guard let key else { throw StoreError.corrupt(path: url.display, detail: "store_meta has no fingerprint key") }
        let client = PostgresClient(configuration: configuration(url), backgroundLogger: logger)
        let running = Task { await client.run() }
        return PostgresStore(
            url: url, client: client, running: running, key: key, author: author, answerSeconds: answerSeconds,
            clock: clock)
    }

    private static func configuration(_ url: PostgresURL) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socket = socketPath(url) {
            configuration = .init(
                unixSocketPath: socket, username: url.user, password: url.password, database: url.database)
        } else {
            let tls = tlsConfiguration(url)
            configuration = .init(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
                tls: url.tls == .disable ? .disable : url.tls == .prefer ? .prefer(tls) : .require(tls))
        }
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 8
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    /// The server's Unix socket, when the URL names its folder (`?host=/dir`).
    private static func socketPath(_ url: PostgresURL) -> String? {
        url.socketFolder.map { "\($0)/.s.PGSQL.\(url.port)" }
    }

    /// TLS as libpq means it: the certificate is checked (system roots, host name) only for `verify-full`.
    private static func tlsConfiguration(_ url: PostgresURL) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if url.tls != .verifyFull { tls.certificateVerification = .none }
        return tls
    }

    /// A statement waiting for a lock gives up rather than hang a launch; a transaction left open by a frozen or
    /// cut-off client is ended after 5 s, so it does not hold the chain's head (and every other machine's commits)
    /// for long. salvo's own transactions never wait on their client that long.
    static let startupParameters = [
        ("application_name", "salvo"), ("lock_timeout", "15s"), ("idle_in_transaction_session_timeout", "5s"),
    ]

    /// The same settings for a connection of its own, outside the pool (a run's lock).
    static func connectionConfiguration(_ url: PostgresURL) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socket = socketPath(url) {
            configuration = .init(
                unixSocketPath: socket, username: url.user, password: url.password, database: url.database)
        } else {
            let context = try NIOSSLContext(configuration: tlsConfiguration(url))
            configuration = .init(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
                tls: url.tls == .disable ? .disable : url.tls == .prefer ? .prefer(context) : .require(context))
        }
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    public func close() async {
        running.cancel()
    }

    /// The time as salvo records it (the same text as on SQLite).
    var now: String { Timestamp.string(from: clock()) }

    /// Runs `body` in one transaction, translating errors; with `commit` false, rolls it back and returns what
    /// `body` returned (a dry run).
    func transaction<T: Sendable>(
        commit: Bool = true, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await answered { try await self.inTransaction(commit: commit, body) }
    }

    private func inTransaction<T: Sendable>(
        commit: Bool, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await client.withTransaction(logger: Self.logger) { connection in
                let result = try await body(connection)
                if !commit { throw RolledBack(result: result) }
                return result
            }
        } catch let rolledBack as RolledBack {
            guard let result = rolledBack.result as? T else {
                throw StoreError.failed(path: location, detail: "dry run")
            }
            return result
        } catch let error as PostgresTransactionError {
            if let rolledBack = error.closureError as? RolledBack, let result = rolledBack.result as? T {
                return result
            }
            throw Self.translate(error, location: location)
        } catch {
            throw Self.translate(error, location: location)
        }
    }

    /// Thrown out of a dry run's transaction to roll it back, carrying what it returned.
    private struct RolledBack: Error {
        var result: any Sendable
    }

    /// Runs `body` with a connection of the pool, outside any transaction, translating errors.
    func reading<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await answered {
            do {
                return try await self.client.withConnection { connection in try await body(connection) }
            } catch {
                throw Self.translate(error, location: self.location)
            }
        }
    }

    /// Runs `body` with a connection of the pool with no deadline: for reads that stream rows to their caller
    /// for as long as there are rows (exports, reports), which a person can interrupt.
    func streaming(_ body: (PostgresConnection) async throws -> Void) async throws {
        do {
            try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw Self.translate(error, location: location)
        }
    }

    /// Runs `work` unless the server has already failed to answer, and gives up on it when the server does not
    /// answer in time (`answerSeconds`): the store is then given up for this process (every later call fails at
    /// once), and what was being written may or may not have been committed; nothing is sent on it.
    func answered<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let unanswered = StoreError.failed(
            path: location,
            detail: "the server did not answer in \(Int(answerSeconds)) s (restarted, or the network is gone); "
                + "what was being written may or may not be committed, and nothing was sent on it")
        guard !lostServer.load(ordering: .relaxed) else { throw unanswered }
        return try await Deadline(seconds: answerSeconds).run(work) {
            self.lostServer.store(true, ordering: .relaxed)
            return unanswered
        }
    }

    /// A database error as a `StoreError` that says what happened without the password or the query's values.
    static func translate(_ error: any Error, location: String) -> any Error {
        if error is StoreError || error is InputError { return error }
        if let transaction = error as? PostgresTransactionError {
            if let closure = transaction.closureError { return translate(closure, location: location) }
            if let begin = transaction.beginError { return translate(begin, location: location) }
            if let commit = transaction.commitError {
                // The commit's answer is lost: it may have committed. Nothing is sent on it.
                return StoreError.failed(
                    path: location, detail: "the commit's answer was lost (it may have committed): \(describe(commit))")
            }
        }
        guard let psql = error as? PSQLError else {
            return StoreError.failed(path: location, detail: "\(error)")
        }
        if let message = psql.serverInfo?[.message] {
            let code = psql.serverInfo?[.sqlState] ?? ""
            if code == "55P03" || code == "40P01" { return StoreError.locked(path: location) }
            if code == "53100" { return StoreError.diskFull(path: location) }
            if code == "25006" { return StoreError.readOnly(path: location) }
            if code.hasPrefix("28") || code == "3D000" || code.hasPrefix("08") {
                return StoreError.cannotOpen(path: location, reason: message)
            }
            return StoreError.failed(path: location, detail: message)
        }
        return StoreError.cannotOpen(path: location, reason: describe(psql))
    }

    /// A network library's error in a few words, for what people meet most; anything else as the library says.
    private static func plain(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Connection refused") { return "connection refused (is the server running, on that port?)" }
        if text.contains("UnknownHost") || text.contains("DNS error") { return "the host name does not resolve" }
        if text.contains("Connect timeout") { return "the server did not accept the connection in 5 s" }
        return text
    }

    /// What went wrong with the connection, in a few words.
    static func describe(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return plain(error) }
        if let message = psql.serverInfo?[.message] { return message }
        switch psql.code {
        case .serverClosedConnection: return "the server closed the connection (restarted, or shut down)"
        case .clientClosedConnection: return "the connection was closed"
        default: break
        }
        if let underlying = psql.underlying { return describe(underlying) }
        return psql.code == .connectionError ? "the connection failed" : "\(psql.code)"
    }
}
