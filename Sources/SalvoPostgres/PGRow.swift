import PostgresNIO
import SalvoCore
import SalvoStorage

/// A row read by name, with errors that name the column (a value of another type was put there around salvo).
struct PGRow: StoredColumns {
    private let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    /// Whether the column is NULL (or absent).
    func isNull(_ column: String) -> Bool { !row.contains(column) || row[column].bytes == nil }

    func optionalText(_ column: String) throws -> String? { try decode(column, String?.self) }

    func optionalInteger(_ column: String) throws -> Int64? { try decode(column, Int64?.self) }

    func optionalReal(_ column: String) throws -> Double? { try decode(column, Double?.self) }

    func bool(_ column: String) throws -> Bool {
        guard let value = try decode(column, Bool?.self) else { throw wrong(column) }
        return value
    }

    func json(_ column: String) throws -> JSONValue { try JSONParser.parse(try text(column)) }

    func optionalJSON(_ column: String) throws -> JSONValue? { try optionalText(column).map(JSONParser.parse) }

    private func decode<T: PostgresDecodable>(_ column: String, _ type: T.Type) throws -> T {
        guard row.contains(column) else { throw wrong(column) }
        do {
            return try row[column].decode(T.self)
        } catch {
            throw wrong(column)
        }
    }

    private func wrong(_ column: String) -> StoreError {
        StoreError.corrupt(path: "PostgreSQL", detail: "column \(column) holds a value salvo never writes")
    }
}

extension PostgresConnection {
    /// The rows of `query`, read by name.
    func rows(_ query: PostgresQuery) async throws -> [PGRow] {
        try await self.query(query, logger: PostgresStore.logger).collect().map(PGRow.init)
    }

    /// The first row of `query`, if any.
    func row(_ query: PostgresQuery) async throws -> PGRow? { try await rows(query).first }

    /// Runs `query` for its effect.
    func run(_ query: PostgresQuery) async throws {
        try await self.query(query, logger: PostgresStore.logger)
    }
}

/// A statement built piece by piece (conditions that depend on a filter), its values bound as `$n`.
struct SQLStatement {
    var text: String
    var binds = PostgresBindings()

    init(_ text: String = "") {
        self.text = text
    }

    /// Binds `value` (nil: NULL) and returns its placeholder.
    mutating func bind(_ value: (some PostgresDynamicTypeEncodable)?) -> String {
        if let value { binds.append(value) } else { binds.appendNull() }
        return "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: binds) }
}
