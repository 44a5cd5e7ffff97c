/// Postman Collection v2.1 out, v2.0 and v2.1 in.
///
/// Out: folders as items, the base URL and the token as `{{base_url}}` and `{{token}}` collection variables,
/// each body raw JSON with language json (with `"token": "{{token}}"` first when the environment puts the
/// token in the body, or a bearer auth block). What Postman has no field for (tags, a request's default
/// environment) goes into the request's description as `salvo tags: ...` and `salvo environment: ...` lines.
public enum PostmanCollection {
    public static let schema = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

    /// The collection of `requests` (sorted by folder, then name), with `environment`'s base URL, token
    /// placement and variables as collection variables.
    public static func document(name: String, requests: [LaunchRequest], environment: Environment?) -> JSONValue {
        var root = Folder()
        for request in requests {
            root.insert(request, at: request.folder.split(separator: "/").map(String.init)[...])
        }
        var variables: [JSONValue] = [
            variable("base_url", environment?.baseURL ?? ""), variable("token", "", type: "secret"),
        ]
        for (key, value) in (environment?.variables ?? [:]).sorted(by: { $0.key < $1.key }) {
            variables.append(variable(key, value))
        }
        let auth = environment?.auth ?? .body
        var document: JSONValue = [
            "info": ["name": .string(name), "schema": .string(schema)],
            "item": .array(root.items(auth: auth, trailingSlash: environment?.trailingSlash ?? false)),
        ]
        if auth == .bearer {
            document = document.setting(
                "auth", to: ["type": "bearer", "bearer": [["key": "token", "value": "{{token}}", "type": "string"]]])
        }
        return document.setting("variable", to: .array(variables))
    }

    private static func variable(_ key: String, _ value: String, type: String = "string") -> JSONValue {
        ["key": .string(key), "value": .string(value), "type": .string(type)]
    }

    /// A folder of the collection being written: its requests and sub-folders, each kept sorted by name.
    private struct Folder {
        var folders: [String: Folder] = [:]
        var requests: [LaunchRequest] = []

        mutating func insert(_ request: LaunchRequest, at path: ArraySlice<String>) {
            guard let first = path.first else { return requests.append(request) }
            folders[first, default: Folder()].insert(request, at: path.dropFirst())
        }

        func items(auth: AuthPlacement, trailingSlash: Bool) -> [JSONValue] {
            let subfolders = folders.sorted { $0.key < $1.key }.map { name, folder -> JSONValue in
                ["name": .string(name), "item": .array(folder.items(auth: auth, trailingSlash: trailingSlash))]
            }
            return subfolders
                + requests.sorted { $0.name < $1.name }.map { item($0, auth: auth, trailingSlash: trailingSlash) }
        }
    }

    private static func item(_ request: LaunchRequest, auth: AuthPlacement, trailingSlash: Bool) -> JSONValue {
        let body: JSONValue =
            auth == .body ? .object([.init("token", "{{token}}")] + (request.body.members ?? [])) : request.body
        let path =
            ["api", "v1.1"] + request.method.split(separator: "/").map(String.init) + (trailingSlash ? [""] : [])
        var description: [String] = []
        if !request.tags.isEmpty { description.append("\(tagsLine)\(request.tags.joined(separator: ", "))") }
        if let environment = request.environment { description.append("\(environmentLine)\(environment)") }
        var postmanRequest: JSONValue = [
            "method": "POST", "header": [["key": "Content-Type", "value": "application/json"]],
            "body": ["mode": "raw", "raw": .string(body.pretty), "options": ["raw": ["language": "json"]]],
            "url": [
                "raw": .string("{{base_url}}/" + path.joined(separator: "/")), "host": ["{{base_url}}"],
                "path": .array(path.map { .string($0) }),
            ],
        ]
        if !description.isEmpty {
            postmanRequest = postmanRequest.setting("description", to: .string(description.joined(separator: "\n")))
        }
        return ["name": .string(request.name), "request": postmanRequest]
    }

    static let tagsLine = "salvo tags: "
    static let environmentLine = "salvo environment: "
}
