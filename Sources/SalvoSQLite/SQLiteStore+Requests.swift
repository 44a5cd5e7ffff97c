import Foundation
import GRDB
import SalvoCore
import SalvoStorage

extension SQLiteStore {
    /// Saved requests `selection` takes, in the collection's order: by folder, then name.
    public func requests(matching selection: RequestSelection = RequestSelection()) throws -> [LaunchRequest] {
        try read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            let folders = selection.folders.filter { !$0.isEmpty }
            if !folders.isEmpty {
                let each = "(r.folder = ? OR substr(r.folder, 1, length(?) + 1) = ? || '/')"
                conditions.append("(" + Array(repeating: each, count: folders.count).joined(separator: " OR ") + ")")
                for folder in folders { arguments += [folder, folder, folder] }
            }
            if !selection.tags.isEmpty {
                let marks = Array(repeating: "?", count: selection.tags.count).joined(separator: ", ")
                conditions.append("r.id IN (SELECT request_id FROM request_tags WHERE tag IN (\(marks)))")
                for tag in selection.tags { arguments += [tag] }
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(
                db, sql: "\(Self.requestSelect) \(filter) ORDER BY r.folder, r.name", arguments: arguments)
            var tags: [Int64: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT request_id, tag FROM request_tags ORDER BY tag") {
                tags[row["request_id"], default: []].append(row["tag"])
            }
            return try rows.map { try Self.request(from: $0, tags: tags[$0["id"]] ?? []) }
        }
    }

    /// The request called `name`.
    public func request(named name: String) throws -> LaunchRequest {
        try read { db in try Self.fetchRequest(db, named: name) }
    }

    /// The request with identity `uid` whatever its name now, or nil when it was removed.
    public func request(uid: String) throws -> LaunchRequest? {
        try read { db in
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM requests WHERE uid = ?", arguments: [uid])
            else { return nil }
            return try Self.fetchRequest(db, named: name)
        }
    }

    /// Adds a new request. Its default environment, if any, must exist.
    public func addRequest(_ request: LaunchRequest) throws {
        try request.validate()
        try write { db in try insertRequest(db, request) }
    }

    /// Inserts `request` (validated) with its audit event.
    /// `asCopy` (`store copy`): as it is, identity kept, with no audit event.
    func insertRequest(_ db: Database, _ request: LaunchRequest, asCopy: Bool = false) throws {
        guard try Self.requestID(db, named: request.name) == nil else {
            throw StoreError.alreadyExists(kind: "request", name: request.name)
        }
        // A new request (`request copy` too) gets an identity of its own.
        var request = request
        if !asCopy { request.uid = Self.newUID() }
        try insert(db, request)
        guard !asCopy else { return }
        try appendAudit(db, .create, .request, name: request.name, before: nil, after: AuditDocument.recorded(request))
    }

    /// Applies `change` to the request called `name` and saves it; a changed name renames it. Returns the
    /// result, or nil when the change left it as it was (then nothing is written).
    @discardableResult
    public func updateRequest(named name: String, _ change: (inout LaunchRequest) throws -> Void) throws
        -> LaunchRequest?
    {
        try write { db in try updateRequest(db, named: name, change) }
    }

    /// The same inside the caller's transaction.
    @discardableResult
    func updateRequest(_ db: Database, named name: String, _ change: (inout LaunchRequest) throws -> Void) throws
        -> LaunchRequest?
    {
        let before = try Self.fetchRequest(db, named: name)
        var after = before
        try change(&after)
        // Its identity stays whatever the change (an import's replacement brings none).
        after.uid = before.uid
        after.tags = Array(Set(after.tags)).sorted()
        try after.validate()
        guard after != before else { return nil }
        if after.name != name, try Self.requestID(db, named: after.name) != nil {
            throw StoreError.alreadyExists(kind: "request", name: after.name)
        }
        let id = try Self.requestID(db, named: name)!
        try db.execute(
            sql: """
                UPDATE requests SET name = ?, kind = ?, method = ?, folder = ?, body = ?, environment_id = ?,
                    updated_at = ?
                WHERE id = ?
                """,
            arguments: [
                after.name, after.kind.rawValue, after.method, after.folder, after.body.compact,
                try environmentID(db, for: after), now, id,
            ])
        try saveTags(db, after.tags, requestID: id)
        try appendAudit(
            db, after.name == name ? .edit : .rename, .request, name: after.name,
            before: AuditDocument.recorded(before), after: AuditDocument.recorded(after))
        return after
    }

    /// Renames a request.
    public func renameRequest(_ name: String, to newName: String) throws {
        try Name.validate(newName, as: "new request name")
        let renamed = try updateRequest(named: name) { $0.name = newName }
        if renamed == nil { throw StoreError.alreadyExists(kind: "request", name: newName) }
    }

    /// Saves a copy of request `source` under `name`.
    public func copyRequest(_ source: String, to name: String) throws {
        try Name.validate(name, as: "new request name")
        try write { db in
            var copy = try Self.fetchRequest(db, named: source)
            copy.name = name
            try insertRequest(db, copy)
        }
    }

    /// Removes a request.
    public func removeRequest(named name: String) throws {
        try write { db in
            let request = try Self.fetchRequest(db, named: name)
            try db.execute(sql: "DELETE FROM requests WHERE name = ?", arguments: [name])
            try appendAudit(db, .delete, .request, name: name, before: AuditDocument.recorded(request), after: nil)
        }
    }

    private func insert(_ db: Database, _ request: LaunchRequest) throws {
        try db.execute(
            sql: """
                INSERT INTO requests (name, kind, method, folder, body, environment_id, created_at, updated_at, uid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                request.name, request.kind.rawValue, request.method, request.folder, request.body.compact,
                try environmentID(db, for: request), now, now, request.uid,
            ])
        try saveTags(db, request.tags, requestID: db.lastInsertedRowID)
    }

    private func environmentID(_ db: Database, for request: LaunchRequest) throws -> Int64? {
        guard let name = request.environment else { return nil }
        guard let id = try Self.environmentID(db, named: name) else {
            throw StoreError.notFound(kind: "environment", name: name)
        }
        return id
    }

    private func saveTags(_ db: Database, _ tags: [String], requestID: Int64) throws {
        try db.execute(sql: "DELETE FROM request_tags WHERE request_id = ?", arguments: [requestID])
        for tag in tags {
            try db.execute(
                sql: "INSERT INTO request_tags (request_id, tag) VALUES (?, ?)", arguments: [requestID, tag])
        }
    }

    private static let requestSelect = """
        SELECT r.*, e.name AS environment_name FROM requests r LEFT JOIN environments e ON e.id = r.environment_id
        """

    static func requestID(_ db: Database, named name: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM requests WHERE name = ?", arguments: [name])
    }

    static func fetchRequest(_ db: Database, named name: String) throws -> LaunchRequest {
        guard let row = try Row.fetchOne(db, sql: "\(requestSelect) WHERE r.name = ?", arguments: [name]) else {
            throw StoreError.notFound(kind: "request", name: name)
        }
        let tags = try String.fetchAll(
            db, sql: "SELECT tag FROM request_tags WHERE request_id = ? ORDER BY tag", arguments: [row["id"] as Int64])
        return try request(from: row, tags: tags)
    }

    private static func request(from row: Row, tags: [String]) throws -> LaunchRequest {
        LaunchRequest(
            name: row["name"], kind: LaunchRequest.Kind(rawValue: row["kind"]) ?? .method, method: row["method"],
            folder: row["folder"], tags: tags, environment: row["environment_name"],
            body: try JSONParser.parse(row["body"]), uid: row["uid"])
    }

    /// A new identity for an environment or a request: 128 random bits in hex.
    static func newUID() -> String {
        UUID().uuidString.lowercased().replacing("-", with: "")
    }
}
