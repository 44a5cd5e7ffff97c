import Foundation
import PostgresNIO
import SalvoCore
import SalvoStorage

extension PostgresStore {
    public func environments() async throws -> [Environment] {
        try await reading { connection in
            try await connection.rows(
                PostgresQuery(unsafeSQL: "\(Self.environmentSelect) ORDER BY name")
            ).map(Self.environment(from:))
        }
    }

    public func environment(named name: String) async throws -> Environment {
        try await reading { connection in try await Self.fetchEnvironment(connection, named: name) }
    }

    public func environment(uid: String) async throws -> Environment? {
        try await reading { connection in
            try await connection.row("\(unescaped: Self.environmentSelect) WHERE uid = \(uid)").map(
                Self.environment(from:))
        }
    }

    @discardableResult
    public func addEnvironment(_ environment: Environment) async throws -> Bool {
        try environment.validate()
        try Self.refuseStoredToken(environment)
        return try await transaction { connection in try await self.insertEnvironment(connection, environment) }
    }

    /// Inserts `environment` with its audit event; the first one becomes the default. `asCopy` (`store copy`):
    /// as it is, identity kept, with no audit event and no default.
    @discardableResult
    func insertEnvironment(_ connection: PostgresConnection, _ environment: Environment, asCopy: Bool = false)
        async throws -> Bool
    {
        var environment = environment
        if !asCopy { environment.uid = Self.newUID() }
        guard try await Self.environmentID(connection, named: environment.name) == nil else {
            throw StoreError.alreadyExists(kind: "environment", name: environment.name)
        }
        let variables = AuditDocument.variables(environment.variables).compact
        let (at, uid) = (now, environment.uid)
        try await connection.run(
            """
            INSERT INTO environments (uid, name, base_url, token_env, auth, variables, guard_seconds, guard_rule,
                insecure, trailing_slash, created_at, updated_at)
            VALUES (\(uid), \(environment.name), \(environment.baseURL), \(Self.variable(environment.token)),
                \(environment.auth.rawValue), \(variables)::json, \(Int64(environment.guardSeconds)),
                \(environment.guardRule.rawValue), \(environment.insecure), \(environment.trailingSlash), \(at), \(at))
            """)
        if asCopy { return false }
        try await appendAudit(
            connection, .create, .environment, name: environment.name, before: nil, after: document(environment))
        guard try await Self.defaultEnvironmentName(connection) == nil else { return false }
        try await setDefault(connection, to: environment.name)
        return true
    }

    @discardableResult
    public func updateEnvironment(named name: String, _ change: (inout Environment) throws -> Void) async throws
        -> Environment?
    {
        let before = try await environment(named: name)
        var after = before
        try change(&after)
        after.name = before.name
        after.uid = before.uid
        try after.validate()
        try Self.refuseStoredToken(after)
        guard after != before else { return nil }
        return try await transaction { [after] connection in
            // Changed by someone else meanwhile: the edit was made on what they replaced.
            guard try await Self.fetchEnvironment(connection, named: name, locking: true) == before else {
                throw StoreError.failed(
                    path: self.location, detail: "environment '\(name)' changed while it was edited; edit it again")
            }
            try await self.replaceEnvironment(connection, before: before, after: after)
            return after
        }
    }

    /// Saves `after` over environment `before` (same name and identity) with its audit event, inside the
    /// caller's transaction.
    func replaceEnvironment(_ connection: PostgresConnection, before: Environment, after: Environment) async throws {
        let variables = AuditDocument.variables(after.variables).compact
        try await connection.run(
            """
            UPDATE environments SET base_url = \(after.baseURL), token_env = \(Self.variable(after.token)),
                auth = \(after.auth.rawValue), variables = \(variables)::json,
                guard_seconds = \(Int64(after.guardSeconds)), insecure = \(after.insecure),
                trailing_slash = \(after.trailingSlash), guard_rule = \(after.guardRule.rawValue),
                updated_at = \(now)
            WHERE name = \(before.name)
            """)
        try await appendAudit(
            connection, .edit, .environment, name: before.name, before: document(before), after: document(after))
    }

    public func renameEnvironment(_ name: String, to newName: String) async throws {
        try Name.validate(newName, as: "new environment name")
        try await transaction { connection in
            let environment = try await Self.fetchEnvironment(connection, named: name, locking: true)
            guard try await Self.environmentID(connection, named: newName) == nil else {
                throw StoreError.alreadyExists(kind: "environment", name: newName)
            }
            try await connection.run(
                "UPDATE environments SET name = \(newName), updated_at = \(self.now) WHERE name = \(name)")
            var renamed = environment
            renamed.name = newName
            try await self.appendAudit(
                connection, .rename, .environment, name: newName, before: self.document(environment),
                after: self.document(renamed))
        }
    }

    @discardableResult
    public func removeEnvironment(named name: String, force: Bool) async throws -> [String] {
        try await transaction { connection in
            let environment = try await Self.fetchEnvironment(connection, named: name, locking: true)
            let users = try await connection.rows(
                """
                SELECT r.name FROM requests r JOIN environments e ON e.id = r.environment_id
                WHERE e.name = \(name) ORDER BY r.name
                """
            ).map { try $0.text("name") }
            if !users.isEmpty {
                guard force else { throw StoreError.inUse(environment: name, requests: users) }
                for request in users {
                    let before = try await Self.fetchRequest(connection, named: request)
                    var after = before
                    after.environment = nil
                    try await connection.run(
                        "UPDATE requests SET environment_id = NULL, updated_at = \(self.now) WHERE name = \(request)")
                    try await self.appendAudit(
                        connection, .edit, .request, name: request, before: AuditDocument.recorded(before),
                        after: AuditDocument.recorded(after))
                }
            }
            try await connection.run("DELETE FROM environments WHERE name = \(name)")
            try await self.appendAudit(
                connection, .delete, .environment, name: name, before: self.document(environment), after: nil)
            return users
        }
    }

    public func defaultEnvironmentName() async throws -> String? {
        try await reading { connection in try await Self.defaultEnvironmentName(connection) }
    }

    public func useEnvironment(named name: String) async throws {
        try await transaction { connection in try await self.setDefault(connection, to: name) }
    }

    static func defaultEnvironmentName(_ connection: PostgresConnection) async throws -> String? {
        try await connection.row(
            "SELECT e.name FROM defaults d JOIN environments e ON e.id = d.environment_id WHERE d.singleton = 1"
        )?.text("name")
    }

    func setDefault(_ connection: PostgresConnection, to name: String) async throws {
        // The defaults row is locked first: two machines changing the default record their events in order.
        try await connection.run("SELECT 1 FROM defaults WHERE singleton = 1 FOR UPDATE")
        let previous = try await Self.defaultEnvironmentName(connection)
        guard let id = try await Self.environmentID(connection, named: name) else {
            throw StoreError.notFound(kind: "environment", name: name)
        }
        guard previous != name else { return }
        try await connection.run("UPDATE defaults SET environment_id = \(id) WHERE singleton = 1")
        try await appendAudit(
            connection, .use, .environment, name: name, before: previous.map { ["default": .string($0)] },
            after: ["default": .string(name)])
    }

    private func document(_ environment: Environment) -> JSONValue {
        AuditDocument.recorded(environment, fingerprinter: fingerprinter)
    }

    /// A shared store holds no token values: each machine reads its own from a variable.
    static func refuseStoredToken(_ environment: Environment) throws {
        guard case .stored = environment.token else { return }
        throw InputError(
            "environment '\(environment.name)': a PostgreSQL store is shared and holds no token values; give the "
                + "variable each machine reads the token from with --token-env VAR (instead of --token-stdin or "
                + "--token)")
    }

    private static func variable(_ token: TokenSource) -> String {
        switch token {
        case .stored: ""  // refused before it gets here
        case .variable(let name): name
        }
    }

    static func environmentID(_ connection: PostgresConnection, named name: String) async throws -> Int64? {
        try await connection.row("SELECT id FROM environments WHERE name = \(name)")?.integer("id")
    }

    private static let environmentSelect = """
        SELECT id, uid, name, base_url, token_env, auth, variables::text AS variables, guard_seconds, guard_rule,
            insecure, trailing_slash
        FROM environments
        """

    static func fetchEnvironment(_ connection: PostgresConnection, named name: String, locking: Bool = false)
        async throws -> Environment
    {
        guard
            let row = try await connection.row(
                "\(unescaped: environmentSelect) WHERE name = \(name)\(unescaped: locking ? " FOR UPDATE" : "")")
        else { throw StoreError.notFound(kind: "environment", name: name) }
        return try environment(from: row)
    }

    private static func environment(from row: PGRow) throws -> Environment {
        var variables: [String: String] = [:]
        for member in try row.json("variables").members ?? [] {
            variables[member.key] = member.value.stringValue ?? member.value.compact
        }
        return Environment(
            name: try row.text("name"), baseURL: try row.text("base_url"),
            token: .variable(try row.text("token_env")),
            auth: AuthPlacement(rawValue: try row.text("auth")) ?? .body, variables: variables,
            guardSeconds: Int(try row.integer("guard_seconds")), insecure: try row.bool("insecure"),
            trailingSlash: try row.bool("trailing_slash"),
            guardRule: GuardRule(rawValue: try row.text("guard_rule")) ?? .content, uid: try row.text("uid"))
    }

    /// A new identity for an environment or a request: 128 random bits in hex.
    static func newUID() -> String {
        UUID().uuidString.lowercased().replacing("-", with: "")
    }
}
