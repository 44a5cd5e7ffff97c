/// A launch request as one JSON document: what `request edit` opens in `$EDITOR`, what `request show --json`
/// prints, and what the audit trail keeps.
public enum RequestDocument {
    static let keys = ["name", "kind", "method", "folder", "tags", "environment", "body"]

    /// The document for `request`.
    public static func json(_ request: LaunchRequest) -> JSONValue {
        .object([
            .init("name", .string(request.name)),
            .init("kind", .string(request.kind.rawValue)),
            .init("method", .string(request.method)),
            .init("folder", .string(request.folder)),
            .init("tags", .array(request.tags.map { .string($0) })),
            .init("environment", request.environment.map { .string($0) } ?? .null),
            .init("body", request.body),
        ])
    }

    /// The request a document describes, checked in full; errors name the key at fault.
    public static func parse(_ document: JSONValue) throws(InputError) -> LaunchRequest {
        guard let members = document.members else {
            throw InputError("the request must be a JSON object with the keys \(keys.joined(separator: ", "))")
        }
        if let unknown = members.first(where: { !keys.contains($0.key) }) {
            throw InputError("unknown key \"\(unknown.key)\"; the keys are \(keys.joined(separator: ", "))")
        }
        let name = try string(document["name"], key: "name")
        let method = try document["method"].map { value throws(InputError) in try string(value, key: "method") }
        let kind: LaunchRequest.Kind
        switch document["kind"] {
        case nil: kind = (method ?? LaunchRequest.triggerMethod) == LaunchRequest.triggerMethod ? .trigger : .method
        case .string(let text)?:
            guard let parsed = LaunchRequest.Kind(rawValue: text) else {
                throw InputError("\"kind\" must be \"trigger\" or \"method\", not \"\(text)\"")
            }
            kind = parsed
        case let other?: throw InputError("\"kind\" must be a string, not \(other.typeName)")
        }
        let folder = try document["folder"].map { value throws(InputError) in try string(value, key: "folder") } ?? ""
        var tags: [String] = []
        switch document["tags"] {
        case nil: break
        case .array(let values)?:
            for (index, value) in values.enumerated() { tags.append(try string(value, key: "tags[\(index)]")) }
        case let other?: throw InputError("\"tags\" must be an array of strings, not \(other.typeName)")
        }
        let environment: String?
        switch document["environment"] {
        case nil, .null?: environment = nil
        case let value?: environment = try string(value, key: "environment")
        }
        guard let body = document["body"] else { throw InputError("\"body\" is missing") }
        let request = LaunchRequest(
            name: name, kind: kind, method: method ?? LaunchRequest.triggerMethod, folder: folder, tags: tags,
            environment: environment, body: body)
        try request.validate()
        return request
    }

    private static func string(_ value: JSONValue?, key: String) throws(InputError) -> String {
        switch value {
        case .string(let text)?: return text
        case nil: throw InputError("\"\(key)\" is missing")
        case let other?: throw InputError("\"\(key)\" must be a string, not \(other.typeName)")
        }
    }
}
