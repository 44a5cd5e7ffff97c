import GRDB
import SalvoCore
import SalvoStorage

extension SQLiteStore {
    /// Every environment, by name.
    public func environments() throws -> [Environment] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM environments ORDER BY name").map(Self.environment(from:))
        }
    }

    /// The environment called `name`.
    public func environment(named name: String) throws -> Environment {
        try read { db in try Self.fetchEnvironment(db, named: name) }
    }

    /// The environment with identity `uid` whatever its name now, or nil when it was removed.
    public func environment(uid: String) throws -> Environment? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM environments WHERE uid = ?", arguments: [uid])
                .map(Self.environment(from:))
        }
    }

    /// Adds a new environment. The first one becomes the default; returns whether this one did.
    @discardableResult
    public func addEnvironment(_ environment: Environment) throws -> Bool {
        try environment.validate()
        return try write { db in try insertEnvironment(db, environment) }
    }

    /// Inserts `environment` (validated) with its audit event; the first one becomes the default. `asCopy`
    /// (`store copy`): as it is, identity kept, with no audit event and no default.
    @discardableResult
    func insertEnvironment(_ db: Database, _ environment: Environment, asCopy: Bool = false) throws -> Bool {
        var environment = environment
        if !asCopy { environment.uid = Self.newUID() }
        guard try Self.environmentID(db, named: environment.name) == nil else {
            throw StoreError.alreadyExists(kind: "environment", name: environment.name)
        }
        let (token, tokenVariable) = Self.columns(for: environment.token)
        try db.execute(
            sql: """
                INSERT INTO environments (name, base_url, token, token_env, auth, variables, guard_seconds,
                    insecure, trailing_slash, created_at, updated_at, uid, guard_rule)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                environment.name, environment.baseURL, token, tokenVariable, environment.auth.rawValue,
                AuditDocument.variables(environment.variables).compact, environment.guardSeconds,
                environment.insecure, environment.trailingSlash, now, now, environment.uid,
                environment.guardRule.rawValue,
            ])
        if asCopy { return false }
        try appendAudit(db, .create, .environment, name: environment.name, before: nil, after: document(environment))
        guard try Self.defaultEnvironmentName(db) == nil else { return false }
        try setDefault(db, to: environment.name)
        return true
    }

    /// Applies `change` to the environment called `name` and saves it. Returns the result, or nil when the
    /// change left it as it was (then nothing is written).
    @discardableResult
    public func updateEnvironment(named name: String, _ change: (inout Environment) throws -> Void) throws
        -> Environment?
    {
        try write { db in try updateEnvironment(db, named: name, change) }
    }

    /// The same inside the caller's transaction.
    @discardableResult
    func updateEnvironment(_ db: Database, named name: String, _ change: (inout Environment) throws -> Void) throws
        -> Environment?
    {
        let before = try Self.fetchEnvironment(db, named: name)
        var after = before
        try change(&after)
        after.name = before.name
        after.uid = before.uid
        try after.validate()
        guard after != before else { return nil }
        let (token, tokenVariable) = Self.columns(for: after.token)
        try db.execute(
            sql: """
                UPDATE environments SET base_url = ?, token = ?, token_env = ?, auth = ?, variables = ?,
                    guard_seconds = ?, insecure = ?, trailing_slash = ?, guard_rule = ?, updated_at = ?
                WHERE name = ?
                """,
            arguments: [
                after.baseURL, token, tokenVariable, after.auth.rawValue,
                AuditDocument.variables(after.variables).compact, after.guardSeconds, after.insecure,
                after.trailingSlash, after.guardRule.rawValue, now, name,
            ])
        try appendAudit(db, .edit, .environment, name: name, before: document(before), after: document(after))
        return after
    }

    /// Renames an environment; requests that default to it follow.
    public func renameEnvironment(_ name: String, to newName: String) throws {
        try Name.validate(newName, as: "new environment name")
        try write { db in
            let environment = try Self.fetchEnvironment(db, named: name)
            guard try Self.environmentID(db, named: newName) == nil else {
                throw StoreError.alreadyExists(kind: "environment", name: newName)
            }
            try db.execute(
                sql: "UPDATE environments SET name = ?, updated_at = ? WHERE name = ?", arguments: [newName, now, name])
            var renamed = environment
            renamed.name = newName
            try appendAudit(
                db, .rename, .environment, name: newName, before: document(environment), after: document(renamed))
        }
    }

    /// Removes an environment. Refused while requests default to it, unless `force`, which clears their default.
    /// Returns the names of the requests whose default was cleared.
    @discardableResult
    public func removeEnvironment(named name: String, force: Bool) throws -> [String] {
        try write { db in
            let environment = try Self.fetchEnvironment(db, named: name)
            let users = try String.fetchAll(
                db,
                sql: """
                    SELECT r.name FROM requests r JOIN environments e ON e.id = r.environment_id
                    WHERE e.name = ? ORDER BY r.name
                    """, arguments: [name])
            if !users.isEmpty {
                guard force else { throw StoreError.inUse(environment: name, requests: users) }
                for request in users {
                    let before = try Self.fetchRequest(db, named: request)
                    var after = before
                    after.environment = nil
                    try db.execute(
                        sql: "UPDATE requests SET environment_id = NULL, updated_at = ? WHERE name = ?",
                        arguments: [now, request])
                    try appendAudit(
                        db, .edit, .request, name: request, before: AuditDocument.recorded(before),
                        after: AuditDocument.recorded(after))
                }
            }
            try db.execute(sql: "DELETE FROM environments WHERE name = ?", arguments: [name])
            try appendAudit(db, .delete, .environment, name: name, before: document(environment), after: nil)
            return users
        }
    }

    /// The default environment's name, if one is set.
    public func defaultEnvironmentName() throws -> String? {
        try read { db in try Self.defaultEnvironmentName(db) }
    }

    /// Makes `name` the default environment.
    public func useEnvironment(named name: String) throws {
        try write { db in try setDefault(db, to: name) }
    }

    static func defaultEnvironmentName(_ db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: "SELECT e.name FROM defaults d JOIN environments e ON e.id = d.environment_id WHERE d.singleton = 1")
    }

    func setDefault(_ db: Database, to name: String) throws {
        let previous = try Self.defaultEnvironmentName(db)
        guard let id = try Self.environmentID(db, named: name) else {
            throw StoreError.notFound(kind: "environment", name: name)
        }
        guard previous != name else { return }
        try db.execute(sql: "UPDATE defaults SET environment_id = ? WHERE singleton = 1", arguments: [id])
        try appendAudit(
            db, .use, .environment, name: name, before: previous.map { ["default": .string($0)] },
            after: ["default": .string(name)])
    }

    private func document(_ environment: Environment) -> JSONValue {
        AuditDocument.recorded(environment, fingerprinter: fingerprinter)
    }

    static func environmentID(_ db: Database, named name: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM environments WHERE name = ?", arguments: [name])
    }

    private static func fetchEnvironment(_ db: Database, named name: String) throws -> Environment {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM environments WHERE name = ?", arguments: [name]) else {
            throw StoreError.notFound(kind: "environment", name: name)
        }
        return try environment(from: row)
    }

    private static func columns(for token: TokenSource) -> (token: String?, variable: String?) {
        switch token {
        case .stored(let token): (token, nil)
        case .variable(let name): (nil, name)
        }
    }

    private static func environment(from row: Row) throws -> Environment {
        let token: TokenSource =
            if let stored = row["token"] as String? { .stored(stored) } else { .variable(row["token_env"]) }
        var variables: [String: String] = [:]
        for member in try JSONParser.parse(row["variables"]).members ?? [] {
            variables[member.key] = member.value.stringValue ?? member.value.compact
        }
        return Environment(
            name: row["name"], baseURL: row["base_url"], token: token,
            auth: AuthPlacement(rawValue: row["auth"]) ?? .body, variables: variables,
            guardSeconds: row["guard_seconds"], insecure: row["insecure"], trailingSlash: row["trailing_slash"],
            guardRule: GuardRule(rawValue: row["guard_rule"]) ?? .content, uid: row["uid"])
    }
}
