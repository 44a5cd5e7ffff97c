import GRDB
import SalvoStorage

/// A row read column by column by storage class (see `StoredColumns`): GRDB's typed subscripts would stop the
/// process on a value of another type; this reports it.
struct StoredRow: StoredColumns {
    let row: Row

    private func value(_ column: String) -> DatabaseValue { row[column] }

    private func wrong(_ column: String) -> StoreError {
        .corrupt(path: "ledger", detail: "column \(column) holds a value salvo never writes there")
    }

    func optionalText(_ column: String) throws -> String? {
        switch value(column).storage {
        case .null: return nil
        case .string(let text): return text
        default: throw wrong(column)
        }
    }

    func optionalInteger(_ column: String) throws -> Int64? {
        switch value(column).storage {
        case .null: return nil
        case .int64(let number): return number
        default: throw wrong(column)
        }
    }

    func optionalReal(_ column: String) throws -> Double? {
        switch value(column).storage {
        case .null: return nil
        case .double(let number): return number
        case .int64(let number): return Double(number)
        default: throw wrong(column)
        }
    }
}
