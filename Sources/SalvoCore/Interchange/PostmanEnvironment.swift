/// A Postman environment: `base_url`, `token` (a secret value) and the environment's template variables.
public enum PostmanEnvironment {
    /// The environment file for `environment`; the token's value is `token`, empty unless the user asked for it.
    public static func document(_ environment: Environment, token: String?) -> JSONValue {
        func value(_ key: String, _ value: String, type: String = "default") -> JSONValue {
            ["key": .string(key), "value": .string(value), "type": .string(type), "enabled": true]
        }
        let values =
            [value("base_url", environment.baseURL), value("token", token ?? "", type: "secret")]
            + environment.variables.sorted { $0.key < $1.key }.map { value($0.key, $0.value) }
        return [
            "name": .string(environment.name), "values": .array(values),
            "_postman_variable_scope": "environment",
            "_postman_exported_using": .string("salvo/\(SalvoVersion.current)"),
        ]
    }

    static func read(_ root: JSONCursor) throws(InputError) -> ImportBundle {
        var bundle = ImportBundle(format: .postmanEnvironment)
        let title = try root.required("name").string()
        guard let name = bundle.name(from: title) else {
            throw try root.required("name").error("\"\(title)\" has nothing salvo can use as a name")
        }
        var baseURL: String?
        var token: String?
        var variables: [String: String] = [:]
        for entry in try root.required("values").array() where try entry["enabled"]?.bool() != false {
            let key = try entry.required("key").string()
            let value = try entry["value"]?.string() ?? ""
            switch key {
            case "base_url", "baseUrl": baseURL = value
            case "token": token = value
            case _ where Template.isVariableName(key): variables[key] = value
            default:
                bundle.skipped.append(
                    .init(
                        item: "value \(key) (\(entry.path))",
                        reason: "not a variable name salvo can use (a letter or _ first, then letters, digits, _ . -)"))
            }
        }
        guard let baseURL, !baseURL.isEmpty else {
            throw InputError("\(root.path).values has no base_url: salvo needs the platform's address")
        }
        var environment = Environment(
            name: name, baseURL: baseURL, token: .variable(ImportBundle.defaultTokenVariable), variables: variables)
        let tokenGiven = token.map { !$0.isEmpty } ?? false
        if tokenGiven, let token { environment.token = .stored(token) }
        do {
            environment.baseURL = try BaseURL.normalize(baseURL)
            try environment.validate()
        } catch {
            throw InputError("\(root.path).values: \(error.message)")
        }
        bundle.environments.append(.init(environment: environment, tokenGiven: tokenGiven, source: root.path))
        return bundle
    }
}
