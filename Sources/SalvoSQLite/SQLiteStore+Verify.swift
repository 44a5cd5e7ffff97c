import GRDB
import SalvoCore
import SalvoStorage

extension SQLiteStore {
    /// Walks the ledger's and the audit trail's hash chains in order, recomputing every hash.
    public func verify() throws -> VerifyReport {
        let schema = try schemaDifferences()
        var report = try read { db in
            var report = VerifyReport()
            var previous = HashChain.genesis
            var expectedSeq: Int64 = 1
            let ledger = try Row.fetchCursor(db, sql: "SELECT * FROM ledger ORDER BY seq")
            while let row = try ledger.next() {
                let seq: Int64 = row["seq"]
                let stored = StoredRow(row: row)
                if (try? stored.text("prev_hash")) != previous || seq != expectedSeq {
                    report.problems.append(
                        "ledger entry #\(seq) does not follow entry #\(expectedSeq - 1): an entry before it was deleted, "
                            + "inserted or re-ordered")
                    break
                }
                // The typed entry the row holds, hashed as every backend hashes it; a row that holds anything its
                // typed entry does not (or values salvo never writes) was changed.
                guard let entry = try? StoredRecords.ledgerEntry(from: StoredRow(row: row)),
                    Self.holdsExactly(entry, row)
                else {
                    report.problems.append(
                        "ledger entry #\(seq) was changed after it was written (it holds values salvo never writes)")
                    break
                }
                let hash = entry.hash(previous: previous)
                guard hash == (try? stored.text("hash")) else {
                    report.problems.append(
                        "ledger entry #\(seq) was changed after it was written (its hash does not match)")
                    break
                }
                previous = hash
                expectedSeq = seq + 1
                report.ledgerEntries += 1
            }
            report.ledgerHead = previous
            previous = HashChain.genesis
            let events = try Row.fetchCursor(db, sql: "SELECT * FROM audit_events ORDER BY id")
            while let row = try events.next() {
                guard let event = try? Self.auditEvent(from: row) else {
                    report.problems.append("audit event #\(row["id"] as Int64) holds values salvo never writes")
                    break
                }
                guard event.previousHash == previous else {
                    report.problems.append(
                        "audit event #\(event.id) does not follow the one before it: an event was deleted or re-ordered"
                    )
                    break
                }
                let hash = AuditEvent.chainHash(
                    previous: previous, at: event.at, by: event.by, action: event.action, entity: event.entity,
                    name: event.name, before: event.before, after: event.after)
                guard hash == event.hash else {
                    report.problems.append(
                        "audit event #\(event.id) was changed after it was written (its hash does not match)")
                    break
                }
                previous = hash
                report.auditEvents += 1
            }
            report.auditHead = previous
            return report
        }
        report.problems += schema
        return report
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
