import GRDB
import SalvoCore
import SalvoStorage

extension SQLiteStore {
    /// The audit trail, oldest first, optionally from a time on and for one OS user.
    public func auditEvents(since: String? = nil, user: String? = nil) throws -> [AuditEvent] {
        try read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let since {
                conditions.append("at >= ?")
                arguments += [since]
            }
            if let user {
                conditions.append("os_user = ?")
                arguments += [user]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT * FROM audit_events \(filter) ORDER BY id", arguments: arguments)
                .map(Self.auditEvent(from:))
        }
    }

    /// Appends an event to the audit trail, chained to the last one, inside the caller's write transaction.
    func appendAudit(
        _ db: Database, _ action: AuditEvent.Action, _ entity: AuditEvent.Entity, name: String,
        before: JSONValue?, after: JSONValue?
    ) throws {
        try Self.appendAudit(db, at: now, by: author, action, entity, name: name, before: before, after: after)
    }

    /// Appends an event made by `author` at `at`, inside the caller's write transaction.
    static func appendAudit(
        _ db: Database, at: String, by author: Operator, _ action: AuditEvent.Action, _ entity: AuditEvent.Entity,
        name: String, before: JSONValue?, after: JSONValue?
    ) throws {
        let previous =
            try String.fetchOne(db, sql: "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
            ?? AuditEvent.genesisHash
        let hash = AuditEvent.chainHash(
            previous: previous, at: at, by: author, action: action, entity: entity, name: name, before: before,
            after: after)
        try db.execute(
            sql: """
                INSERT INTO audit_events (at, os_user, host, action, entity, name, before, after, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                at, author.user, author.host, action.rawValue, entity.rawValue, name, before?.compact, after?.compact,
                previous, hash,
            ])
    }

    static func auditEvent(from row: Row) throws -> AuditEvent {
        func document(_ column: String) throws -> JSONValue? {
            try (row[column] as String?).map { try JSONParser.parse($0) }
        }
        guard let action = AuditEvent.Action(rawValue: row["action"]),
            let entity = AuditEvent.Entity(rawValue: row["entity"])
        else {
            throw StoreError.corrupt(path: "audit_events", detail: "event #\(row["id"] as Int64) has an unknown action")
        }
        return AuditEvent(
            id: row["id"], at: row["at"], by: Operator(user: row["os_user"], host: row["host"]),
            action: action, entity: entity, name: row["name"],
            before: try document("before"), after: try document("after"), previousHash: row["prev_hash"],
            hash: row["hash"])
    }
}
