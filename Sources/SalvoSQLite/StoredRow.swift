import GRDB
import SalvoStorage

/// A ledger row read column by column by storage class: a value salvo never writes in a column (a NULL where
/// it always writes one, text where it writes a number) throws `StoreError.corrupt` instead of stopping the
/// process, as GRDB's typed subscripts do, so a tampered row is reported, not fatal.
struct StoredRow {
    let row: Row
    var prefix = ""

    private func value(_ column: String) -> DatabaseValue { row[prefix + column] }

    private func wrong(_ column: String) -> StoreError {
        .corrupt(path: "ledger", detail: "column \(column) holds a value salvo never writes there")
    }

    func text(_ column: String) throws -> String {
        guard let text = try optionalText(column) else { throw wrong(column) }
        return text
    }

    func optionalText(_ column: String) throws -> String? {
        switch value(column).storage {
        case .null: return nil
        case .string(let text): return text
        default: throw wrong(column)
        }
    }

    func integer(_ column: String) throws -> Int64 {
        guard let number = try optionalInteger(column) else { throw wrong(column) }
        return number
    }

    func optionalInteger(_ column: String) throws -> Int64? {
        switch value(column).storage {
        case .null: return nil
        case .int64(let number): return number
        default: throw wrong(column)
        }
    }

    func optionalInt(_ column: String) throws -> Int? {
        try optionalInteger(column).map { number in
            guard let small = Int(exactly: number) else { throw wrong(column) }
            return small
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
