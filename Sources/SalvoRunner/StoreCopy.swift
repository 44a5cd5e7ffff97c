import Foundation
import SalvoCore
import SalvoStorage

/// `salvo store copy`: a store's collection, runs, ledger and audit trail into an empty store of any backend,
/// with the same chains. A token value cannot go where stores hold none (PostgreSQL): each such environment reads
/// `tokenVariable` there instead, and that change is appended to the copied audit trail as an event of the copy.
public struct StoreCopy: Sendable {
    /// What was copied, and the target's verification afterwards.
    public struct Summary: Sendable {
        public var environments = 0
        public var requests = 0
        public var runs = 0
        public var ledgerEntries = 0
        public var auditEvents = 0
        /// Environments whose stored token became `tokenVariable`.
        public var converted: [String] = []
        /// The target's `audit verify`, done on the target as reopened after the copy.
        public var verified = VerifyReport()
    }

    public let source: any Storage
    public let tokenVariable: String
    public let author: Operator
    public let clock: @Sendable () -> Date

    /// How many ledger entries go in one transaction.
    static let page = 2_000

    public init(
        from source: any Storage, tokenVariable: String, author: Operator,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.source = source
        self.tokenVariable = tokenVariable
        self.author = author
        self.clock = clock
    }

    /// Checks the source, opens the target with `open` and copies into it, then verifies the target as `open`
    /// gives it again (a fresh handle, which reads the copied key). Refuses a source that does not verify or has
    /// a run in progress before the target is opened (a new SQLite path is not made), and a target that holds
    /// anything before writing to it.
    public func copy(to open: () async throws -> any Storage) async throws -> Summary {
        guard Environment.isVariableName(tokenVariable) else {
            throw InputError(
                "--token-env '\(Name.printable(tokenVariable))' is not a variable name (letters, digits, _)")
        }
        let verified = try await AuditService(store: source, clock: clock).verify(witnesses: [])
        guard verified.problems.isEmpty else {
            throw InputError(
                "\(source.location) does not verify, so it is not copied: \(verified.problems.joined(separator: "; ")) "
                    + "(see `salvo audit verify`)")
        }
        let runs = try await source.runFacts()
        for run in runs where run.state == RunState.running.rawValue {
            if try await source.run(id: run.id).state == .running {
                throw InputError("run \(run.id) is in progress in \(source.location); copy the store once it ends")
            }
        }
        let target = try await open()
        do {
            var summary = try await copy(to: target, runs: runs, verified: verified)
            await target.close()
            let copied = try await open()
            summary.verified = try await AuditService(store: copied, clock: clock).verify(witnesses: [])
            await copied.close()
            if summary.verified.ledgerHead != verified.ledgerHead {
                summary.verified.problems.append(
                    "the copy's ledger head is not the source's: it was written to while it was copied")
            }
            return summary
        } catch {
            await target.close()
            throw error
        }
    }

    private func copy(to target: any Storage, runs: [RunFacts], verified: VerifyReport) async throws -> Summary {
        guard try await target.isEmpty() else {
            throw InputError(
                "\(target.location) already holds a store's records; copy into an empty store only (a new SQLite "
                    + "path, or a new, empty PostgreSQL database)")
        }
        var summary = Summary()
        var environments = try await source.environments()
        var changes: [(before: Environment, after: Environment)] = []
        if !target.holdsTokenValues {
            for index in environments.indices {
                guard case .stored = environments[index].token else { continue }
                let before = environments[index]
                environments[index].token = .variable(tokenVariable)
                changes.append((before, environments[index]))
            }
        }
        let requests = try await source.requests()
        try await target.receive(
            CopiedCollection(
                key: source.fingerprintKey, environments: environments,
                defaultEnvironment: try await source.defaultEnvironmentName(), requests: requests, runs: runs))
        (summary.environments, summary.requests, summary.runs) = (environments.count, requests.count, runs.count)

        // Only what was verified: entries appended since stay behind (a run that started meanwhile is not copied).
        var last: Int64 = 0
        while summary.ledgerEntries < verified.ledgerEntries {
            let entries = try await source.ledgerEntries(
                after: last, limit: min(Self.page, verified.ledgerEntries - summary.ledgerEntries))
            guard let final = entries.last else { break }
            try await target.receive(ledger: entries)
            summary.ledgerEntries += entries.count
            last = final.seq
        }
        let events = try await source.auditEvents(since: nil, user: nil).prefix(verified.auditEvents)
        let fingerprinter = TokenFingerprinter(key: source.fingerprintKey)
        let at = Timestamp.string(from: clock())
        let conversions = changes.map { change in
            AuditEvent(
                id: 0, at: at, by: author, action: .edit, entity: .environment, name: change.after.name,
                before: AuditDocument.recorded(change.before, fingerprinter: fingerprinter),
                after: AuditDocument.recorded(change.after, fingerprinter: fingerprinter), previousHash: "", hash: "")
        }
        try await target.receive(audit: Array(events) + conversions)
        summary.auditEvents = events.count
        summary.converted = changes.map(\.after.name)
        return summary
    }
}
