import Foundation
import PostgresNIO
import SalvoCore
import SalvoStorage

extension PostgresStore {
    public func requests(matching selection: RequestSelection) async throws -> [LaunchRequest] {
        try await reading { connection in
            var statement = SQLStatement(Self.requestSelect)
            var conditions: [String] = []
            let folders = selection.folders.filter { !$0.isEmpty }.map { folder in
                let value = statement.bind(folder)
                let prefix = statement.bind(folder + "/")
                return "(r.folder = \(value) OR left(r.folder, length(\(prefix))) = \(prefix))"
            }
            if !folders.isEmpty { conditions.append("(" + folders.joined(separator: " OR ") + ")") }
            if !selection.tags.isEmpty {
                let tags = selection.tags.map { statement.bind($0) }.joined(separator: ", ")
                conditions.append("r.id IN (SELECT request_id FROM request_tags WHERE tag IN (\(tags)))")
            }
            if !conditions.isEmpty { statement.text += " WHERE " + conditions.joined(separator: " AND ") }
            statement.text += " ORDER BY r.folder COLLATE \"C\", r.name COLLATE \"C\""
            let rows = try await connection.rows(statement.query)
            var tags: [Int64: [String]] = [:]
            for row in try await connection.rows("SELECT request_id, tag FROM request_tags ORDER BY tag COLLATE \"C\"")
            {
                tags[try row.integer("request_id"), default: []].append(try row.text("tag"))
            }
            return try rows.map { try Self.request(from: $0, tags: tags[try $0.integer("id")] ?? []) }
        }
    }

    public func request(named name: String) async throws -> LaunchRequest {
        try await reading { connection in try await Self.fetchRequest(connection, named: name) }
    }

    public func request(uid: String) async throws -> LaunchRequest? {
        try await reading { connection in
            guard let name = try await connection.row("SELECT name FROM requests WHERE uid = \(uid)")?.text("name")
            else { return nil }
            return try await Self.fetchRequest(connection, named: name)
        }
    }

    public func addRequest(_ request: LaunchRequest) async throws {
        try request.validate()
        try await transaction { connection in try await self.insertRequest(connection, request) }
    }

    /// `asCopy` (`store copy`): as it is, identity kept, with no audit event.
    func insertRequest(_ connection: PostgresConnection, _ request: LaunchRequest, asCopy: Bool = false) async throws {
        guard try await Self.requestID(connection, named: request.name) == nil else {
            throw StoreError.alreadyExists(kind: "request", name: request.name)
        }
        var request = request
        if !asCopy { request.uid = Self.newUID() }
        let environment = try await Self.environmentID(connection, for: request)
        let (at, uid, body) = (now, request.uid, request.body.compact)
        let id = try await connection.row(
            """
            INSERT INTO requests (uid, name, kind, method, folder, body, environment_id, created_at, updated_at)
            VALUES (\(uid), \(request.name), \(request.kind.rawValue), \(request.method), \(request.folder),
                \(body)::json, \(environment), \(at), \(at))
            RETURNING id
            """)?.integer("id")
        try await Self.saveTags(connection, request.tags, requestID: id ?? 0)
        guard !asCopy else { return }
        try await appendAudit(
            connection, .create, .request, name: request.name, before: nil, after: AuditDocument.recorded(request))
    }

    @discardableResult
    public func updateRequest(named name: String, _ change: (inout LaunchRequest) throws -> Void) async throws
        -> LaunchRequest?
    {
        let before = try await request(named: name)
        var after = before
        try change(&after)
        after.uid = before.uid
        after.tags = Array(Set(after.tags)).sorted()
        try after.validate()
        guard after != before else { return nil }
        return try await transaction { [after] connection in
            try await self.replaceRequest(connection, named: name, before: before, after: after)
            return after
        }
    }

    private func replaceRequest(
        _ connection: PostgresConnection, named name: String, before: LaunchRequest, after: LaunchRequest
    ) async throws {
        guard
            let id = try await connection.row("SELECT id FROM requests WHERE name = \(name) FOR UPDATE")?.integer("id"),
            try await Self.fetchRequest(connection, named: name) == before
        else {
            throw StoreError.failed(
                path: location, detail: "request '\(name)' changed while it was edited; edit it again")
        }
        if after.name != name, try await Self.requestID(connection, named: after.name) != nil {
            throw StoreError.alreadyExists(kind: "request", name: after.name)
        }
        let environment = try await Self.environmentID(connection, for: after)
        let body = after.body.compact
        try await connection.run(
            """
            UPDATE requests SET name = \(after.name), kind = \(after.kind.rawValue), method = \(after.method),
                folder = \(after.folder), body = \(body)::json, environment_id = \(environment),
                updated_at = \(now)
            WHERE id = \(id)
            """)
        try await Self.saveTags(connection, after.tags, requestID: id)
        try await appendAudit(
            connection, after.name == name ? .edit : .rename, .request, name: after.name,
            before: AuditDocument.recorded(before), after: AuditDocument.recorded(after))
    }

    public func renameRequest(_ name: String, to newName: String) async throws {
        try Name.validate(newName, as: "new request name")
        let renamed = try await updateRequest(named: name) { $0.name = newName }
        if renamed == nil { throw StoreError.alreadyExists(kind: "request", name: newName) }
    }

    public func copyRequest(_ source: String, to name: String) async throws {
        try Name.validate(name, as: "new request name")
        try await transaction { connection in
            var copy = try await Self.fetchRequest(connection, named: source)
            copy.name = name
            try await self.insertRequest(connection, copy)
        }
    }

    public func removeRequest(named name: String) async throws {
        try await transaction { connection in
            let request = try await Self.fetchRequest(connection, named: name)
            try await connection.run("DELETE FROM requests WHERE name = \(name)")
            try await self.appendAudit(
                connection, .delete, .request, name: name, before: AuditDocument.recorded(request), after: nil)
        }
    }

    /// Imports `bundle` in one transaction, all or nothing (see `ImportPlan`); a token the file holds is not
    /// kept (its environment reads `SALVO_TOKEN`). With `dryRun` checked, reported and rolled back.
    public func importBundle(_ bundle: ImportBundle, onConflict policy: ConflictPolicy, dryRun: Bool) async throws
        -> [ImportEntry]
    {
        try await transaction(commit: !dryRun) { connection in
            let environments = try await connection.rows("SELECT name, base_url FROM environments")
            let names = ImportPlan.CollectionNames(
                environments: Dictionary(
                    uniqueKeysWithValues: try environments.map { (try $0.text("name"), try $0.text("base_url")) }),
                requests: Set(try await connection.rows("SELECT name FROM requests").map { try $0.text("name") }),
                defaultEnvironment: try await Self.defaultEnvironmentName(connection))
            let plan = try ImportPlan(bundle, onConflict: policy, into: names, storesTokens: false)
            for step in plan.steps {
                switch step {
                case .addEnvironment(let environment): try await self.insertEnvironment(connection, environment)
                case .replaceEnvironment(var after, let keepToken):
                    let before = try await Self.fetchEnvironment(connection, named: after.name, locking: true)
                    after.uid = before.uid
                    if keepToken { after.token = before.token }
                    try after.validate()
                    if after != before { try await self.replaceEnvironment(connection, before: before, after: after) }
                case .setDefault(let name): try await self.setDefault(connection, to: name)
                case .addRequest(let request): try await self.insertRequest(connection, request)
                case .replaceRequest(var after):
                    let before = try await Self.fetchRequest(connection, named: after.name)
                    after.uid = before.uid
                    after.tags = Array(Set(after.tags)).sorted()
                    try after.validate()
                    if after != before {
                        try await self.replaceRequest(connection, named: after.name, before: before, after: after)
                    }
                }
            }
            return plan.entries
        }
    }

    private static func environmentID(_ connection: PostgresConnection, for request: LaunchRequest) async throws
        -> Int64?
    {
        guard let name = request.environment else { return nil }
        guard let id = try await environmentID(connection, named: name) else {
            throw StoreError.notFound(kind: "environment", name: name)
        }
        return id
    }

    private static func saveTags(_ connection: PostgresConnection, _ tags: [String], requestID: Int64) async throws {
        try await connection.run("DELETE FROM request_tags WHERE request_id = \(requestID)")
        if !tags.isEmpty {
            try await connection.run(
                "INSERT INTO request_tags (request_id, tag) SELECT \(requestID), unnest(\(tags)::text[])")
        }
    }

    private static let requestSelect = """
        SELECT r.id, r.uid, r.name, r.kind, r.method, r.folder, r.body::text AS body, e.name AS environment_name
        FROM requests r LEFT JOIN environments e ON e.id = r.environment_id
        """

    static func requestID(_ connection: PostgresConnection, named name: String) async throws -> Int64? {
        try await connection.row("SELECT id FROM requests WHERE name = \(name)")?.integer("id")
    }

    static func fetchRequest(_ connection: PostgresConnection, named name: String) async throws -> LaunchRequest {
        guard let row = try await connection.row("\(unescaped: requestSelect) WHERE r.name = \(name)") else {
            throw StoreError.notFound(kind: "request", name: name)
        }
        let id = try row.integer("id")
        let tags = try await connection.rows(
            "SELECT tag FROM request_tags WHERE request_id = \(id) ORDER BY tag COLLATE \"C\""
        ).map { try $0.text("tag") }
        return try request(from: row, tags: tags)
    }

    private static func request(from row: PGRow, tags: [String]) throws -> LaunchRequest {
        LaunchRequest(
            name: try row.text("name"), kind: LaunchRequest.Kind(rawValue: try row.text("kind")) ?? .method,
            method: try row.text("method"), folder: try row.text("folder"), tags: tags,
            environment: try row.optionalText("environment_name"), body: try row.json("body"),
            uid: try row.text("uid"))
    }
}
