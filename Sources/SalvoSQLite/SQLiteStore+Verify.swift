import GRDB
import SalvoCore
import SalvoStorage

extension SQLiteStore {
    /// Walks the ledger's and the audit trail's hash chains in order, recomputing every hash.
    public func verify() throws -> VerifyReport {
        let schema = try schemaDifferences()
        var verifier = try read { db in
            var verifier = ChainVerifier()
            let ledger = try Row.fetchCursor(db, sql: "SELECT * FROM ledger ORDER BY seq")
            while let row = try ledger.next() {
                let stored = StoredRow(row: row)
                // The typed entry the row holds, hashed as every backend hashes it; a row that holds anything its
                // typed entry does not (or values salvo never writes) was changed.
                let entry = try? StoredRecords.ledgerEntry(from: stored)
                guard
                    verifier.ledger(
                        seq: row["seq"], previousHash: try? stored.text("prev_hash"), entry: entry,
                        holdsExactly: entry.map { Self.holdsExactly($0, row) } ?? false,
                        hash: try? stored.text("hash"))
                else { break }
            }
            let events = try Row.fetchCursor(db, sql: "SELECT * FROM audit_events ORDER BY id")
            while let row = try events.next() {
                guard verifier.audit(id: row["id"], try? Self.auditEvent(from: row)) else { break }
            }
            return verifier
        }
        verifier.add(schema)
        return verifier.report
    }
}

extension SQLiteStore {
    /// Whether `row` holds exactly `entry`'s columns, as `appendLedger` stores them, and nothing else but its
    /// hashes: any other value was put there after the row was written.
    static func holdsExactly(_ entry: LedgerEntry, _ row: Row) -> Bool {
        let columns = entry.columns
        var named = 0
        for (name, value) in columns {
            guard row.hasColumn(name) else { return false }
            let stored: DatabaseValue = row[name]
            switch (value, stored.storage) {
            case (nil, .null): break
            case (.integer(let number)?, .int64(let found)) where number == found: break
            case (.real(let number)?, .double(let found)) where number == found: break
            case (.text(let text)?, .string(let found)) where text == found: break
            default: return false
            }
            named += 1
        }
        // Every other column (those of the other kind of entry) is NULL.
        for name in row.columnNames where name != "prev_hash" && name != "hash" {
            if !columns.contains(where: { $0.name == name }), !(row[name] as DatabaseValue).isNull { return false }
        }
        return named == columns.count
    }

    public func chainHashes(ledgerEntry: Int, auditEvent: Int) throws -> (ledger: String?, audit: String?) {
        try read { db in
            let ledger =
                ledgerEntry == 0
                ? HashChain.genesis
                : try String.fetchOne(db, sql: "SELECT hash FROM ledger WHERE seq = ?", arguments: [ledgerEntry])
            let audit =
                auditEvent == 0
                ? HashChain.genesis
                : try String.fetchOne(
                    db, sql: "SELECT hash FROM audit_events ORDER BY id LIMIT 1 OFFSET ?", arguments: [auditEvent - 1])
            return (ledger, audit)
        }
    }
}
