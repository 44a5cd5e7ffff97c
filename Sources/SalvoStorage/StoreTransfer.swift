import Foundation
import SalvoCore

/// What `salvo store copy` reads from one store and writes into another, whatever their backends: the records
/// as they are (identities, numbers and times kept), so the copied chains verify with the same hashes.
public protocol StoreTransfer: Sendable {
    /// The key the store's token fingerprints are made with: the copy takes it along, so `fp:` stays the same.
    var fingerprintKey: Data { get }
    /// Whether environments here may hold a token's value (not in a shared store).
    var holdsTokenValues: Bool { get }
    /// Up to `limit` ledger entries after entry `seq`, in order.
    func ledgerEntries(after seq: Int64, limit: Int) async throws -> [LedgerEntry]
    /// Whether the store holds nothing yet: no environment, request, run, ledger entry or audit event.
    func isEmpty() async throws -> Bool
    /// Writes a copied collection and runs in one transaction, as they are: identities and run numbers kept,
    /// no audit event (the trail is copied as it is afterwards), and the fingerprint key `key`.
    func receive(_ copy: CopiedCollection) async throws
    /// Appends copied ledger entries in one transaction, chained here exactly as at the source.
    func receive(ledger entries: [LedgerEntry]) async throws
    /// Appends copied audit events (their times and authors kept) in one transaction, chained here.
    func receive(audit events: [AuditEvent]) async throws
}

/// A store's collection and runs, as `store copy` moves them.
public struct CopiedCollection: Sendable {
    public var key: Data
    public var environments: [Environment]
    public var defaultEnvironment: String?
    public var requests: [LaunchRequest]
    public var runs: [RunFacts]

    public init(
        key: Data, environments: [Environment], defaultEnvironment: String?, requests: [LaunchRequest],
        runs: [RunFacts]
    ) {
        self.key = key
        self.environments = environments
        self.defaultEnvironment = defaultEnvironment
        self.requests = requests
        self.runs = runs
    }
}
