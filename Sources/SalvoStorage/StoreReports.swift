import Foundation
import SalvoCore

/// What `salvo store info` reports.
public struct StoreInfo: Sendable {
    /// Where the store is (a path, or a URL without its password).
    public var path: String
    public var schemaVersion: Int
    public var knownVersion: Int
    /// The store's size on disk, in bytes.
    public var sizeBytes: Int64
    public var environments: Int
    public var requests: Int
    public var auditEvents: Int
    public var defaultEnvironment: String?

    public init(
        path: String, schemaVersion: Int, knownVersion: Int, sizeBytes: Int64, environments: Int, requests: Int,
        auditEvents: Int, defaultEnvironment: String?
    ) {
        self.path = path
        self.schemaVersion = schemaVersion
        self.knownVersion = knownVersion
        self.sizeBytes = sizeBytes
        self.environments = environments
        self.requests = requests
        self.auditEvents = auditEvents
        self.defaultEnvironment = defaultEnvironment
    }
}

/// What `salvo audit verify` found.
public struct VerifyReport: Sendable {
    public var ledgerEntries = 0
    public var auditEvents = 0
    /// The hash of the newest ledger entry: note it somewhere else to detect a truncated ledger later.
    public var ledgerHead = HashChain.genesis
    public var auditHead = HashChain.genesis
    /// The first break in each chain, if any.
    public var problems: [String] = []

    public init() {}
}

/// What `import` did, or with `--dry-run` would do, with one environment or request of the file.
public struct ImportEntry: Equatable, Sendable {
    public enum Action: String, Sendable {
        case added, renamed, replaced, skipped
    }

    public var entity: AuditEvent.Entity
    /// The name in the store afterwards.
    public var name: String
    /// The name the file gave it (after salvo's naming rule).
    public var fileName: String
    public var action: Action
    public var note: String?

    public init(entity: AuditEvent.Entity, name: String, fileName: String, action: Action, note: String? = nil) {
        self.entity = entity
        self.name = name
        self.fileName = fileName
        self.action = action
        self.note = note
    }
}
