import SalvoCore

/// Walks the ledger's and the audit trail's chains entry by entry, as every backend reads them: recomputes each
/// hash over the typed entry (defined in Core), so `audit verify` means the same on every backend, and stops each
/// chain at its first break with a message that names the entry.
public struct ChainVerifier {
    public private(set) var report = VerifyReport()
    private var expectedSeq: Int64 = 1
    private var expectedEvent: Int64?

    public init() {}

    /// Checks the next ledger row: its number and previous hash, the typed entry it holds (nil when it holds
    /// values salvo never writes, or `holdsExactly` is false), its hash. False at a break: stop walking.
    public mutating func ledger(
        seq: Int64, previousHash: String?, entry: LedgerEntry?, holdsExactly: Bool, hash: String?
    ) -> Bool {
        guard previousHash == report.ledgerHead, seq == expectedSeq else {
            report.problems.append(
                "ledger entry #\(seq) does not follow entry #\(expectedSeq - 1): an entry before it was deleted, "
                    + "inserted or re-ordered")
            return false
        }
        guard let entry, holdsExactly else {
            report.problems.append(
                "ledger entry #\(seq) was changed after it was written (it holds values salvo never writes)")
            return false
        }
        let computed = entry.hash(previous: report.ledgerHead)
        guard computed == hash else {
            report.problems.append("ledger entry #\(seq) was changed after it was written (its hash does not match)")
            return false
        }
        report.ledgerHead = computed
        expectedSeq = seq + 1
        report.ledgerEntries += 1
        return true
    }

    /// Checks the next audit event (nil when its row holds values salvo never writes; `id` names it). False at a
    /// break: stop walking.
    public mutating func audit(id: Int64, _ event: AuditEvent?) -> Bool {
        guard let event else {
            report.problems.append("audit event #\(id) holds values salvo never writes")
            return false
        }
        guard event.previousHash == report.auditHead, expectedEvent.map({ $0 == event.id }) ?? true else {
            report.problems.append(
                "audit event #\(event.id) does not follow the one before it: an event was deleted or re-ordered")
            return false
        }
        let computed = AuditEvent.chainHash(
            previous: report.auditHead, at: event.at, by: event.by, action: event.action, entity: event.entity,
            name: event.name, before: event.before, after: event.after)
        guard computed == event.hash else {
            report.problems.append(
                "audit event #\(event.id) was changed after it was written (its hash does not match)")
            return false
        }
        report.auditHead = computed
        expectedEvent = event.id + 1
        report.auditEvents += 1
        return true
    }

    /// Adds what else was found (the schema).
    public mutating func add(_ problems: [String]) { report.problems += problems }
}
