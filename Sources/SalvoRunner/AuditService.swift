import Foundation
import SalvoCore
import SalvoStorage

/// A checkpoint read from somewhere, named for messages.
public struct Witness: Sendable {
    /// Where it came from, such as its file.
    public var name: String
    public var checkpoint: ChainCheckpoint

    public init(name: String, checkpoint: ChainCheckpoint) {
        self.name = name
        self.checkpoint = checkpoint
    }
}

/// Verification of the store's chains, against checkpoints kept elsewhere, and the checkpoints themselves.
public struct AuditService: Sendable {
    public let store: any Storage
    public let clock: @Sendable () -> Date

    public init(store: any Storage, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
    }

    /// Verifies both chains and the schema, then that the chains still extend every witness: a chain shorter
    /// than a witness lost entries from its end; another hash where the witness saw its head means a history
    /// rewritten (hashes recomputed included).
    public func verify(witnesses: [Witness]) async throws -> VerifyReport {
        var report = try await store.verify()
        report.problems += try await collectionDifferences()
        for witness in witnesses {
            let checkpoint = witness.checkpoint
            let stored = try await store.chainHashes(
                ledgerEntry: checkpoint.ledger.entries, auditEvent: checkpoint.audit.entries)
            let name = "\(witness.name) (of \(checkpoint.store), at \(checkpoint.at))"
            report.problems += problems(
                "ledger", "entries", checkpoint.ledger, stored: stored.ledger, now: report.ledgerEntries,
                witness: name)
            report.problems += problems(
                "audit trail", "events", checkpoint.audit, stored: stored.audit, now: report.auditEvents,
                witness: name)
        }
        return report
    }

    /// How the collection and the runs differ from the state their audit trail records (edits made around
    /// salvo).
    private func collectionDifferences() async throws -> [String] {
        var environments: [String: JSONValue] = [:]
        for environment in try await store.environments() {
            environments[environment.name] = AuditDocument.recorded(environment, fingerprinter: store.fingerprinter)
        }
        var requests: [String: JSONValue] = [:]
        for request in try await store.requests() { requests[request.name] = AuditDocument.recorded(request) }
        let current = CollectionAudit.Current(
            environments: environments, requests: requests,
            defaultEnvironment: try await store.defaultEnvironmentName())
        let events = try await store.auditEvents(since: nil, user: nil)
        return CollectionAudit.differences(current, events: events)
            + CollectionAudit.unknownToTrail(ledger: try await store.namesInLedger(), events: events)
            + RunFacts.differences(try await store.runFacts(), events: events)
    }

    private func problems(
        _ chain: String, _ unit: String, _ head: ChainCheckpoint.Head, stored: String?, now: Int, witness: String
    ) -> [String] {
        guard let stored else {
            return [
                "the \(chain) does not extend checkpoint \(witness): it saw \(head.entries) \(unit), the store holds "
                    + "\(now) (\(unit) were cut from its end, or the checkpoint is of another store)"
            ]
        }
        guard stored == head.hash else {
            return [
                "the \(chain) does not extend checkpoint \(witness): its \(unit) up to #\(head.entries) are not the "
                    + "ones the checkpoint saw (its history was rewritten)"
            ]
        }
        return []
    }

    /// The chains' heads now, once both verify; nil (with the report) when they do not.
    public func checkpoint() async throws -> (checkpoint: ChainCheckpoint?, report: VerifyReport) {
        let report = try await store.verify()
        guard report.problems.isEmpty else { return (nil, report) }
        let checkpoint = ChainCheckpoint(
            at: Timestamp.string(from: clock()), store: store.location,
            ledger: .init(entries: report.ledgerEntries, hash: report.ledgerHead),
            audit: .init(entries: report.auditEvents, hash: report.auditHead))
        return (checkpoint, report)
    }
}
