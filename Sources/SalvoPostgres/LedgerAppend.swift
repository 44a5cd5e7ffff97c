import PostgresNIO
import SalvoCore
import SalvoStorage

/// Ledger rows appended inside one transaction: the chain's head row locked once, each row numbered and chained in
/// memory, the rows written by one `COPY`, the head moved once at the end. A commit of 50 attempts and 50 outcomes
/// costs a handful of round trips instead of three or four per row.
struct LedgerAppend {
    private var seq: Int64
    private var hash: String
    private var pending: [(entry: LedgerEntry, previous: String, hash: String)] = []
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
        let numbered = entry(seq)
        let next = numbered.hash(previous: hash)
        pending.append((numbered, hash, next))
        hash = next
        moved = true
        return seq
    }

    /// Writes the rows appended so far (`COPY`: no statement to parse per row, no parameter per value), for a
    /// statement that must see them (the guard's lookup).
    mutating func flush(_ connection: PostgresConnection) async throws {
        guard !pending.isEmpty else { return }
        let rows = pending
        pending.removeAll(keepingCapacity: true)
        try await connection.copyFrom(
            table: "ledger", columns: PostgresStore.ledgerColumns, logger: PostgresStore.logger
        ) { writer in
            var buffer = ByteBuffer()
            for row in rows {
                var values: [String: String] = ["prev_hash": row.previous, "hash": row.hash]
                for (name, value) in row.entry.columns {
                    switch value {
                    case nil: break
                    case .integer(let number)?: values[name] = String(number)
                    case .real(let number)?: values[name] = String(number)
                    case .text(let text)?: values[name] = text
                    }
                }
                for (index, column) in PostgresStore.ledgerColumns.enumerated() {
                    if index > 0 { buffer.writeStaticString("\t") }
                    if let value = values[column] {
                        Self.writeEscaped(value, to: &buffer)
                    } else {
                        buffer.writeStaticString("\\N")
                    }
                }
                buffer.writeStaticString("\n")
                if buffer.readableBytes >= 1 << 18 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
    }

    /// `value` in COPY's text format: backslash, tab, line feed and carriage return escaped; the rest as it is.
    private static func writeEscaped(_ value: String, to buffer: inout ByteBuffer) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    /// Writes what is left and moves the head row to the last appended row.
    mutating func finish(_ connection: PostgresConnection) async throws {
        try await flush(connection)
        guard moved else { return }
        try await connection.run("UPDATE chain_heads SET seq = \(seq), hash = \(hash) WHERE chain = 'ledger'")
    }
}
