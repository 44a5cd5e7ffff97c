/// salvo's own interchange file, the lossless form of a collection: environments (without their tokens),
/// requests with their folders, tags and default environments.
///
///     {"salvo": "bundle", "version": 1, "default_environment": "prod", "environments": [...], "requests": [...]}
public enum SalvoBundle {
    public static let version = 1

    /// The bundle of `environments` and `requests`, in the order given, and the environment that requests
    /// without one of their own go to.
    public static func document(
        environments: [Environment], requests: [LaunchRequest], defaultEnvironment: String?
    ) -> JSONValue {
        [
            "salvo": "bundle", "version": .integer(version),
            "default_environment": defaultEnvironment.map { .string($0) } ?? .null,
            "environments": .array(environments.map(environmentDocument)),
            "requests": .array(requests.map(RequestDocument.json)),
        ]
    }

    /// An environment as the bundle keeps it. `token_env` says where an importing store reads the token: a
    /// variable keeps its name (no secret); a stored token is left out and the importer reads
    /// `$SALVO_TOKEN` until a token is given, so the file says exactly that.
    static func environmentDocument(_ environment: Environment) -> JSONValue {
        let variable: JSONValue
        switch environment.token {
        case .stored: variable = .string(ImportBundle.defaultTokenVariable)
        case .variable(let name): variable = .string(name)
        }
        return [
            "name": .string(environment.name), "base_url": .string(environment.baseURL), "token_env": variable,
            "auth": .string(environment.auth.rawValue), "variables": AuditDocument.variables(environment.variables),
            "guard": .string(GuardWindow.format(environment.guardSeconds)),
            "guard_rule": .string(environment.guardRule.rawValue), "insecure": .bool(environment.insecure),
            "trailing_slash": .bool(environment.trailingSlash),
        ]
    }

    static func read(_ root: JSONCursor) throws(InputError) -> ImportBundle {
        let kind = try root.required("salvo")
        guard try kind.string() == "bundle" else { throw kind.error("must be \"bundle\"") }
        let version = try root.required("version")
        guard version.value == .integer(Self.version) else {
            throw version.error(
                "this bundle is version \(version.value.compact); this salvo reads version \(Self.version)")
        }
        var bundle = ImportBundle(format: .salvo)
        var seen: [String: String] = [:]
        func once(_ name: String, _ item: JSONCursor) throws(InputError) {
            if let first = seen.updateValue(item.path, forKey: name) {
                throw item.error("the name '\(name)' is also at \(first); names are unique")
            }
        }
        for item in try root["environments"]?.array() ?? [] {
            let imported = try environment(item)
            try once("environment " + imported.environment.name, item)
            bundle.environments.append(imported)
        }
        for item in try root["requests"]?.array() ?? [] {
            let request: LaunchRequest
            do {
                request = try RequestDocument.parse(item.value)
            } catch {
                throw item.error(error.message)
            }
            try once("request " + request.name, item)
            bundle.requests.append(.init(request: request, source: item.path))
        }
        if let name = root["default_environment"], name.value != .null {
            let text = try name.string()
            guard bundle.environments.contains(where: { $0.environment.name == text }) else {
                throw name.error("names no environment of the bundle")
            }
            bundle.defaultEnvironment = text
        }
        return bundle
    }

    private static func environment(_ item: JSONCursor) throws(InputError) -> ImportBundle.ImportedEnvironment {
        let name = try item.required("name").string()
        let tokenVariable = try item["token_env"]?.string()
        var variables: [String: String] = [:]
        for member in try item["variables"]?.object().value.members ?? [] {
            guard case .string(let value) = member.value else {
                throw InputError("\(item.path).variables.\(member.key) must be a string, not \(member.value.typeName)")
            }
            variables[member.key] = value
        }
        var environment = Environment(
            name: name, baseURL: try item.required("base_url").string(),
            token: .variable(tokenVariable ?? ImportBundle.defaultTokenVariable), variables: variables)
        if let auth = item["auth"] {
            guard let placement = AuthPlacement(rawValue: try auth.string()) else {
                throw auth.error("must be \"body\" or \"bearer\"")
            }
            environment.auth = placement
        }
        if let window = item["guard"] { environment.guardSeconds = try GuardWindow.parse(try window.string()) }
        if let rule = item["guard_rule"] {
            guard let value = GuardRule(rawValue: try rule.string()) else {
                throw rule.error("must be \"content\" or \"recipient\"")
            }
            environment.guardRule = value
        }
        environment.insecure = try item["insecure"]?.bool() ?? false
        environment.trailingSlash = try item["trailing_slash"]?.bool() ?? false
        do {
            environment.baseURL = try BaseURL.normalize(environment.baseURL)
            try environment.validate()
        } catch {
            throw item.error(error.message)
        }
        // `$SALVO_TOKEN` is what an environment without a token of its own reads: the file names no token then.
        let tokenGiven = tokenVariable.map { $0 != ImportBundle.defaultTokenVariable } ?? false
        return .init(environment: environment, tokenGiven: tokenGiven, source: item.path)
    }
}
