import GRDB
import SalvoCore

/// What `salvo audit verify` found.
public struct VerifyReport: Sendable {
    public var ledgerEntries: Int
    public var auditEvents: Int
    /// The hash of the newest ledger entry: note it somewhere else to detect a truncated ledger later.
    public var ledgerHead: String
    public var auditHead: String
    /// The first break in each chain, if any.
    public var problems: [String]
}

extension Store {
    /// Walks the ledger's and the audit trail's hash chains in order, recomputing every hash.
    public func verify() throws -> VerifyReport {
        try read { db in
            var report = VerifyReport(
                ledgerEntries: 0, auditEvents: 0, ledgerHead: HashChain.genesis, auditHead: HashChain.genesis,
                problems: [])
            var previous = HashChain.genesis
            var expectedSeq: Int64 = 1
            let ledger = try Row.fetchCursor(db, sql: "SELECT * FROM ledger ORDER BY seq")
            while let row = try ledger.next() {
                let seq: Int64 = row["seq"]
                let values = Array(row.columnNames).filter { $0 != "prev_hash" && $0 != "hash" }.map {
                    ($0, row[$0] as DatabaseValue)
                }
                if row["prev_hash"] as String != previous || seq != expectedSeq {
                    report.problems.append(
                        "ledger entry #\(seq) does not follow entry #\(expectedSeq - 1): an entry before it was deleted, "
                            + "inserted or re-ordered")
                    break
                }
                let hash = HashChain.hash(previous: previous, fields: Self.ledgerFields(values))
                guard hash == row["hash"] as String else {
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
    }
}
