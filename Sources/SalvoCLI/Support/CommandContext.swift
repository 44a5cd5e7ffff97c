import Foundation
import SalvoBackends
import SalvoCore
import SalvoRunner
import SalvoStorage

#if canImport(Glibc)
    import Glibc
#endif

/// The live dependencies of a command, built in one place: the store, the console, the process environment,
/// and who is running it. Commands build it from their `--store`; what it holds beside that comes from
/// `CommandEnvironment.current`, which in-process tests replace.
struct CommandContext {
    let console: Console
    let environment: [String: String]
    let author: Operator
    /// Where the store is, or why `--store` / `SALVO_STORE` cannot say.
    let storeLocation: Result<String, InputError>

    /// The store's location as salvo shows it: a path, or a URL without its password.
    var storePath: String { (try? storeLocation.get()).map(StoreOpener.display) ?? "" }

    /// The files that hold the store, which no output may overwrite.
    var storeFiles: [String] { (try? storeLocation.get()).map(StoreOpener.files(of:)) ?? [] }

    /// `storeFlag`: the option that named the store, for messages (`--from` for `store copy`).
    init(_ options: GlobalOptions, storeFlag: String = "--store", world: CommandEnvironment = .current) {
        console = world.console
        environment = world.environment
        author = world.author
        let environment = world.environment
        storeLocation = Result { () throws(InputError) in
            try StoreLocation.resolve(explicit: options.store, environment: environment)
        }
        warnOfPassword(in: options.store, flag: storeFlag)
    }

    /// A flag's value shows in the process list, to every user of the machine: a URL's password does not belong
    /// there.
    func warnOfPassword(in value: String?, flag: String) {
        guard let value, PostgresURL.isURL(value), (try? PostgresURL(value))?.password != nil else { return }
        console.warn("the password in \(flag) shows in the process list; give it in PGPASSWORD instead")
    }

    /// Opens the store, runs `body` with it, and closes it (checkpointing the WAL) whatever happens. Only
    /// commands that add to the collection pass `creating`: a mistyped path makes no new empty store;
    /// `initializing` (`store init`) creates or upgrades a store's schema, PostgreSQL's too.
    func withStore<T>(
        creating: Bool = false, initializing: Bool = false, launcherRole: String? = nil,
        _ body: (any Storage) async throws -> T
    ) async throws -> T {
        let store = try await StoreOpener.open(
            try storeLocation.get(), author: author, create: creating, initialize: initializing,
            launcherRole: launcherRole, environment: environment)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// What the services need, over `store`.
    func runner(_ store: any Storage) -> RunnerContext {
        RunnerContext(
            store: store, author: author, environment: environment, diagnostics: console,
            standardOutput: console.outputFile)
    }
}

/// What a command's context is made of beside the store: the console, the process environment and who runs it.
/// The process's own by default; an in-process test sets its own for the commands it runs.
struct CommandEnvironment: Sendable {
    var console: Console
    var environment: [String: String]
    var author: Operator

    @TaskLocal static var current = CommandEnvironment(
        console: .standard, environment: ProcessInfo.processInfo.environment, author: currentOperator())

    /// The OS user and host running this process.
    static func currentOperator() -> Operator {
        var user = ProcessInfo.processInfo.environment["USER"] ?? "uid \(geteuid())"
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            user = String(cString: name)
        }
        return Operator(user: user, host: ProcessInfo.processInfo.hostName)
    }
}
