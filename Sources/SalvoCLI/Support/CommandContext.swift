import Foundation
import SalvoCore
import SalvoStore

#if canImport(Glibc)
    import Glibc
#endif

/// The live dependencies of a command, built in one place: the store, the console, the process environment,
/// and who is running it.
struct CommandContext {
    let console: Console
    let environment: [String: String]
    let storePath: String

    init(
        _ options: GlobalOptions, console: Console = .standard,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.console = console
        self.environment = environment
        storePath = StoreLocation.resolve(explicit: options.store, environment: environment)
    }

    /// Opens the store, runs `body` with it, and closes it (checkpointing the WAL) whatever happens.
    func withStore<T>(_ body: (Store) throws -> T) throws -> T {
        let store = try Store.open(at: storePath, author: Self.currentOperator())
        defer { store.close() }
        return try body(store)
    }

    /// The same for work that waits on the network.
    func withStore<T>(_ body: (Store) async throws -> T) async throws -> T {
        let store = try Store.open(at: storePath, author: Self.currentOperator())
        defer { store.close() }
        return try await body(store)
    }

    /// The OS user and host running this process.
    static func currentOperator() -> Operator {
        var user = ProcessInfo.processInfo.environment["USER"] ?? "uid \(geteuid())"
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            user = String(cString: name)
        }
        return Operator(user: user, host: ProcessInfo.processInfo.hostName)
    }
}
