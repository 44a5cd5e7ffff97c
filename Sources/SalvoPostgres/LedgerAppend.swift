import PostgresNIO
import SalvoCore
import SalvoStorage

/// Ledger rows appended inside one transaction: the chain's head row locked once, each row numbered and chained in
/// memory, the rows inserted hundreds per statement, the head moved once at the end. (Not `COPY`: postgres-nio
/// 1.33 stops the process on a precondition when the server restarts during one.) A commit of 50 attempts and
/// 50 outcomes costs a handful of round trips instead of three or four per row.
struct LedgerAppend {
    private var seq: Int64
    private var hash: String
    private var pending: [(columns: [(name: String, value: LedgerEntry.Value?)], previous: String, hash: String)] = []
    private var moved = false

    /// Locks the ledger's head row until the caller's transaction ends: writers on many machines append one after
    /// another, with no gap.
    static func begin(_ connection: PostgresConnection, location: String) async throws -> LedgerAppend {
        guard let head = try await connection.row("SELECT seq, hash FROM chain_heads WHERE chain = 'ledger' FOR UPDATE")
        else { throw StoreError.corrupt(path: location, detail: "the ledger's head row is missing") }
        return LedgerAppend(seq: try head.integer("seq"), hash: try head.text("hash"))
    }

    private init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }

    /// Numbers and chains the next row (the columns of its entry, exactly those its hash covers, as on SQLite);
    /// it is written by the next `flush` or `finish`. Returns its number.
    mutating func append(_ entry: (Int64) -> LedgerEntry) -> Int64 {
        seq += 1
        let (columns, next) = entry(seq).stored(after: hash)
        pending.append((columns, hash, next))
        hash = next
        moved = true
        return seq
    }

    /// Writes the rows appended so far, for a statement that must see them (the guard's lookup).
    mutating func flush(_ connection: PostgresConnection) async throws {
        for start in stride(from: 0, to: pending.count, by: Self.rowsPerStatement) {
            var statement = SQLStatement()
            let tuples = pending[start..<min(start + Self.rowsPerStatement, pending.count)].map { row in
                var values: [String: String] = [:]
                for (name, value) in row.columns {
                    let cast = PostgresStore.jsonColumns.contains(name) ? "::json" : ""
                    switch value {
                    case nil: break
                    case .integer(let number)?: values[name] = statement.bind(number)
                    case .real(let number)?: values[name] = statement.bind(number)
                    case .text(let text)?: values[name] = statement.bind(text) + cast
                    }
                }
                values["prev_hash"] = statement.bind(row.previous)
                values["hash"] = statement.bind(row.hash)
                // A column no row of the statement fills must still have its type: NULL is cast to it.
                return "("
                    + PostgresStore.ledgerColumns.map { values[$0] ?? "NULL::\(Self.type(of: $0))" }.joined(
                        separator: ", ") + ")"
            }
            statement.text =
                "INSERT INTO ledger (\(PostgresStore.ledgerColumns.joined(separator: ", "))) VALUES "
                + tuples.joined(separator: ", ")
            try await connection.run(statement.query)
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes what is left and moves the head row to the last appended row.
    mutating func finish(_ connection: PostgresConnection) async throws {
        try await flush(connection)
        guard moved else { return }
        try await connection.run("UPDATE chain_heads SET seq = \(seq), hash = \(hash) WHERE chain = 'ledger'")
    }

    /// Rows per INSERT: well under PostgreSQL's 65,535 parameters at 38 a row.
    private static let rowsPerStatement = 500

    private static let integerColumns: Set<String> = [
        "seq", "run_id", "attempt_seq", "try", "data_row", "iteration", "ordinal", "replay_of", "http_status",
        "error_code", "duplicate",
    ]

    /// A ledger column's SQL type.
    private static func type(of column: String) -> String {
        if integerColumns.contains(column) { return "bigint" }
        if column == "duration_ms" { return "double precision" }
        return PostgresStore.jsonColumns.contains(column) ? "json" : "text"
    }
}
