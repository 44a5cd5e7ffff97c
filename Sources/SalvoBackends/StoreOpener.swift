import SalvoCore
import SalvoSQLite
import SalvoStorage

/// The one place that picks a store's backend from its location: the only code above the backends that names
/// one. A path is an SQLite file.
public enum StoreOpener {
    /// Opens the store at `location` for `author`, creating it only when `create` (commands that add to the
    /// collection), else `StoreError.missing`.
    public static func open(_ location: String, author: Operator, create: Bool) throws -> any Storage {
        try SQLiteStore.open(at: location, author: author, create: create)
    }

    /// The local files that hold the store at `location`, whether or not it is open: no output may go there.
    public static func files(of location: String) -> [String] {
        SQLiteStore.files(at: location)
    }
}
