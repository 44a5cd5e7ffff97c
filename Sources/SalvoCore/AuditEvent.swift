import Foundation

/// One change to an environment or request, or one step of a run, as the audit trail keeps it.
public struct AuditEvent: Equatable, Sendable {
    public enum Action: String, CaseIterable, Sendable {
        case create, edit, rename, delete, use
        /// A run's steps: started, finished (or interrupted), reopened by a resume, and entered into the trail by
        /// the upgrade that put runs in it (a run older than the upgrade).
        case start, finish, reopen, adopt
    }

    public enum Entity: String, CaseIterable, Sendable {
        case environment, request, run
    }

    public var id: Int64
    public var at: String
    public var by: Operator
    public var action: Action
    public var entity: Entity
    /// The name the entity had when the event happened (the new name for a rename); a run's is `#ID`.
    public var name: String
    public var before: JSONValue?
    public var after: JSONValue?
    public var previousHash: String
    public var hash: String

    public init(
        id: Int64, at: String, by: Operator, action: Action, entity: Entity, name: String, before: JSONValue?,
        after: JSONValue?, previousHash: String, hash: String
    ) {
        self.id = id
        self.at = at
        self.by = by
        self.action = action
        self.entity = entity
        self.name = name
        self.before = before
        self.after = after
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash before the first event of a chain.
    public static let genesisHash = HashChain.genesis

    /// The hash of an event's content chained to its predecessor's hash: SHA-256 of the previous hash, a line
    /// break, and the canonical JSON of the event's fields. Editing, deleting or re-ordering events breaks it.
    public static func chainHash(
        previous: String, at: String, by: Operator, action: Action, entity: Entity, name: String,
        before: JSONValue?, after: JSONValue?
    ) -> String {
        let content = JSONValue.object([
            .init("action", .string(action.rawValue)),
            .init("after", after ?? .null),
            .init("at", .string(at)),
            .init("before", before ?? .null),
            .init("entity", .string(entity.rawValue)),
            .init("host", .string(by.host)),
            .init("name", .string(name)),
            .init("user", .string(by.user)),
        ])
        return HashChain.hash(previous: previous, fields: content)
    }
}
