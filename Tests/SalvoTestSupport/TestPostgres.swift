import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL for the tests: one throwaway cluster per test process (Debian's `postgresql`, installed by
/// scripts/install-deps.sh), listening on a Unix socket in a folder of its own, started on first use and stopped
/// when the process exits; one new database per test. A missing PostgreSQL fails the tests that need it.
public enum TestPostgres {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// A new, empty database: its store URL (no salvo schema yet: `store init`, or open with `initialize`).
    public static func database() async throws -> String {
        try await offThePool {
            let cluster = try Cluster.shared.get()
            let name = "t_" + UUID().uuidString.lowercased().replacing("-", with: "")
            try cluster.psql("CREATE DATABASE \(name)", database: "postgres")
            return cluster.url(name)
        }
    }

    /// Runs `sql` on the database of store URL `url` as the URL's user (the owner, for tampering), failing on
    /// any error.
    public static func execute(_ sql: String, on url: String) async throws {
        guard let database = url.split(separator: "?").first?.split(separator: "/").last,
            let user = url.split(separator: "://").last?.split(separator: "@").first
        else {
            throw Unavailable(description: "not a test database URL: \(url)")
        }
        try await offThePool {
            try Cluster.shared.get().psql(sql, database: String(database), user: String(user))
        }
    }

    /// The output of `sql` on the database of `url` (`psql -At`).
    public static func query(_ sql: String, on url: String) async throws -> String {
        let database = String(url.split(separator: "?").first?.split(separator: "/").last ?? "")
        return try await offThePool { try Cluster.shared.get().psql(sql, database: database) }
    }

    /// `pg_dump` of the database of `url`, as text, without the random key of its `restrict` lines (two dumps
    /// of an unchanged database are equal).
    public static func dump(_ url: String) async throws -> String {
        let database = String(url.split(separator: "?").first?.split(separator: "/").last ?? "")
        let text = try await offThePool {
            let cluster = try Cluster.shared.get()
            return try cluster.run(
                cluster.bin + "/pg_dump", ["-h", cluster.folder, "-p", "\(cluster.port)", "-U", "salvo", database])
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }.joined(separator: "\n")
    }
}

/// The cluster, started once per process.
final class Cluster: Sendable {
    let folder: String
    let port: Int
    let bin: String

    /// Whether the server runs as the `postgres` user (the tests run as root).
    let asPostgres: Bool

    static let shared: Result<Cluster, TestPostgres.Unavailable> = {
        do throws(TestPostgres.Unavailable) {
            return .success(try Cluster.start())
        } catch {
            return .failure(error)
        }
    }()

    private init(folder: String, port: Int, bin: String) {
        self.folder = folder
        self.port = port
        self.bin = bin
        asPostgres = geteuid() == 0
    }

    /// Runs one of the server's tools (`initdb`, `pg_ctl`) as the user the server runs as.
    func server(_ tool: String, _ arguments: [String]) throws(TestPostgres.Unavailable) {
        if asPostgres {
            try run("/usr/sbin/runuser", ["-u", "postgres", "--", bin + "/" + tool] + arguments)
        } else {
            try run(bin + "/" + tool, arguments)
        }
    }

    /// `pg_ctl ACTION` with the server's options.
    func control(_ action: String, mode: String = "fast") throws(TestPostgres.Unavailable) {
        try server(
            "pg_ctl",
            [
                "-D", folder + "/data", "-l", folder + "/log", "-w", "-m", mode, "-o",
                "-c listen_addresses='' -k \(folder) -p \(port) -c fsync=off -c max_connections=200", action,
            ])
    }

    func url(_ database: String) -> String { "postgres://salvo@localhost:\(port)/\(database)?host=\(folder)" }

    @discardableResult
    func psql(_ sql: String, database: String, user: String = "salvo") throws(TestPostgres.Unavailable) -> String {
        try run(
            bin + "/psql",
            ["-h", folder, "-p", "\(port)", "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
    }

    static func start() throws(TestPostgres.Unavailable) -> Cluster {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.compactMap(Int.init).max() else {
            throw TestPostgres.Unavailable(
                description: "PostgreSQL is not installed (/usr/lib/postgresql/*/bin); run scripts/install-deps.sh")
        }
        let bin = "/usr/lib/postgresql/\(version)/bin"
        let folder = "/tmp/salvo-pg-\(UUID().uuidString.prefix(8))"
        let port = Int.random(in: 20000...60000)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cluster = Cluster(folder: folder, port: port, bin: bin)
        // initdb refuses root: as root the server runs as the `postgres` user Debian's package made.
        if cluster.asPostgres { _ = try? cluster.run("/bin/chown", ["postgres", folder]) }
        try cluster.server("initdb", ["-D", folder + "/data", "-A", "trust", "-U", "salvo", "--no-sync", "-E", "UTF8"])
        try cluster.control("start")
        let stop =
            (cluster.asPostgres ? "/usr/sbin/runuser -u postgres -- " : "")
            + "\(bin)/pg_ctl -D \(folder)/data -m immediate stop >/dev/null 2>&1; rm -rf \(folder)"
        stopCommands.withLock { commands in
            if commands == nil {
                atexit {
                    let all = stopCommands.withLock { $0 }
                    if let all { _ = system(all) }
                }
            }
            let joined = commands.map { String(cString: $0) + "; " + stop } ?? stop
            free(commands)
            commands = strdup(joined)
        }
        return cluster
    }

    /// Runs a tool to its end and returns its output (written to a file: a server started by `pg_ctl` keeps the
    /// descriptors it was given open for its whole life).
    @discardableResult
    func run(_ path: String, _ arguments: [String]) throws(TestPostgres.Unavailable) -> String {
        let output = "\(folder).\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let status = Result {
            try Child(path, arguments, environment: ProcessInfo.processInfo.environment, stdout: output).exitBlocking()
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard case .success(0) = status else {
            throw TestPostgres.Unavailable(
                description:
                    "\((path as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

}

/// The commands that stop the clusters at exit (a C string: `atexit` handlers capture nothing).
private let stopCommands = Mutex<UnsafeMutablePointer<CChar>?>(nil)

/// A cluster of a test's own, for a test that restarts the server: the shared one serves the tests that run at
/// the same time. Stopped when the process exits.
public struct OwnPostgres: Sendable {
    private let cluster: Cluster

    /// Starts the cluster on a thread of its own: `initdb` and `pg_ctl` take seconds, which must not hold a thread
    /// of Swift's cooperative pool (on 2 cores, half of it) that other tests' in-process sandboxes answer on.
    public static func start() async throws -> OwnPostgres {
        OwnPostgres(cluster: try await offThePool { try Cluster.start() })
    }

    private init(cluster: Cluster) {
        self.cluster = cluster
    }

    /// A new, empty database: its store URL.
    public func database() async throws -> String {
        try await offThePool { [cluster] in
            let name = "t_" + UUID().uuidString.lowercased().replacing("-", with: "")
            try cluster.psql("CREATE DATABASE \(name)", database: "postgres")
            return cluster.url(name)
        }
    }

    /// Restarts the server (`pg_ctl restart -m fast`: every session is ended, as an administrator's restart does).
    public func restart() async throws {
        try await offThePool { [cluster] in try cluster.control("restart") }
    }
}

/// Runs blocking `work` on a thread of its own and awaits it: a tool run to its end must not hold a thread of
/// Swift's cooperative pool (on 2 cores, half of it), which the tests' in-process sandboxes answer on.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
