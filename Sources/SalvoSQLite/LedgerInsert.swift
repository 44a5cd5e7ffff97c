import GRDB
import GRDBSQLite
import SalvoCore

/// Runs the ledger's prepared insert with its values bound straight through SQLite's C interface: GRDB's
/// `StatementArguments` (every value boxed, converted and checked) cost as much per row as SQLite's own insert
/// into the table and its indexes. The statement stays GRDB's (prepared, cached and finalized by it); only its
/// binding and its one step are done here, inside GRDB's write transaction.
enum LedgerInsert {
    /// Binds `values` to `statement`'s parameters in order (nil: NULL) and runs it once.
    static func execute(_ statement: Statement, in db: Database, values: [LedgerEntry.Value?]) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case nil: code = sqlite3_bind_null(handle, index)
            case .integer(let number)?: code = sqlite3_bind_int64(handle, index, number)
            case .real(let number)?: code = sqlite3_bind_double(handle, index, number)
            case .text(var text)?:
                code = text.withUTF8 { bytes in
                    // An empty buffer has no address, and a NULL address would bind NULL instead of ''.
                    guard let address = bytes.baseAddress else {
                        return sqlite3_bind_text(handle, index, "", 0, transient)
                    }
                    return sqlite3_bind_text(handle, index, address, Int32(bytes.count), transient)
                }
            }
            guard code == SQLITE_OK else { throw error(code, db, statement) }
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw error(code, db, statement) }
    }

    /// SQLite copies the bytes of a value bound with this destructor before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func error(_ code: Int32, _ db: Database, _ statement: Statement) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
            sql: statement.sql)
    }
}
