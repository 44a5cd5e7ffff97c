import Foundation
import SalvoCore
import SalvoPostgres
import SalvoSQLite
import SalvoStorage

/// The one place that picks a store's backend from its location: the only code above the backends that names
/// one. A `postgres://` (or `postgresql://`) URL is a team's PostgreSQL store, never a path; anything else is an
/// SQLite file.
public enum StoreOpener {
    /// Opens the store at `location` for `author`, creating an SQLite store only when `create` (commands that add
    /// to the collection), else `StoreError.missing`. A PostgreSQL store is made only by `initialize`
    /// (`salvo store init`), which also creates or upgrades an SQLite store's schema. `environment` gives
    /// `PGPASSWORD`. `launcherRole` (with `initialize`, PostgreSQL only): a role to create and grant what
    /// launching machines need.
    public static func open(
        _ location: String, author: Operator, create: Bool, initialize: Bool = false, launcherRole: String? = nil,
        environment: [String: String] = [:]
    ) async throws -> any Storage {
        if PostgresURL.isURL(location) {
            return try await PostgresStore.open(
                try PostgresURL(location, environment: environment), author: author, initialize: initialize,
                launcherRole: launcherRole, answerSeconds: try answerSeconds(environment))
        }
        if launcherRole != nil {
            throw InputError("--create-role is for a PostgreSQL store; an SQLite store has no roles")
        }
        return try SQLiteStore.open(at: location, author: author, create: create || initialize)
    }

    /// How long a call waits for a PostgreSQL server's answer: `SALVO_STORE_TIMEOUT` seconds, else 30.
    private static func answerSeconds(_ environment: [String: String]) throws(InputError) -> Double {
        guard let text = environment["SALVO_STORE_TIMEOUT"] else { return 30 }
        guard let seconds = Double(text), seconds >= 1, seconds <= 86_400 else {
            throw InputError(
                "SALVO_STORE_TIMEOUT is '\(Name.printable(text))'; give seconds from 1 to 86400 (default 30)")
        }
        return seconds
    }

    /// The local files that hold the store at `location`, whether or not it is open: no output may go there.
    public static func files(of location: String) -> [String] {
        PostgresURL.isURL(location) ? [] : SQLiteStore.files(at: location)
    }

    /// Whether two locations name the same store (a path however spelled; a URL as shown).
    public static func sameStore(_ one: String, _ other: String) -> Bool {
        func key(_ location: String) -> String {
            PostgresURL.isURL(location)
                ? display(location) : URL(fileURLWithPath: location).standardizedFileURL.resolvingSymlinksInPath().path
        }
        return key(one) == key(other)
    }

    /// The store's location as salvo shows it (a URL without its password).
    public static func display(_ location: String) -> String {
        guard PostgresURL.isURL(location) else { return location }
        return (try? PostgresURL(location).display) ?? PostgresURL.redacted(location)
    }
}
