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
    /// Where the store is, or why `--store` / `SALVO_STORE` cannot say.
    let storeLocation: Result<String, InputError>

    var storePath: String { (try? storeLocation.get()) ?? "" }

    init(
        _ options: GlobalOptions, console: Console = .standard,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.console = console
        self.environment = environment
        storeLocation = Result { () throws(InputError) in
            try StoreLocation.resolve(explicit: options.store, environment: environment)
        }
    }

    /// Opens the store, runs `body` with it, and closes it (checkpointing the WAL) whatever happens. Only
    /// commands that add to the collection pass `creating`: a mistyped path makes no new empty store.
    func withStore<T>(creating: Bool = false, _ body: (Store) throws -> T) throws -> T {
        let store = try open(creating: creating)
        defer { store.close() }
        return try body(store)
    }

    /// The same for work that waits on the network.
    func withStore<T>(creating: Bool = false, _ body: (Store) async throws -> T) async throws -> T {
        let store = try open(creating: creating)
        defer { store.close() }
        return try await body(store)
    }

    private func open(creating: Bool) throws -> Store {
        try Store.open(at: try storeLocation.get(), author: Self.currentOperator(), create: creating)
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
