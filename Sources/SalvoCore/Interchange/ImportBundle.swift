/// What an import file holds once read: the environments and requests salvo can keep, and what it cannot.
public struct ImportBundle: Sendable {
    public enum Format: String, Sendable {
        case salvo = "salvo bundle"
        case postmanCollection = "Postman collection"
        case postmanEnvironment = "Postman environment"
    }

    /// An environment from the file. Files carry no token unless they were exported with their secrets; an
    /// environment without one reads it from `defaultTokenVariable` until the user gives one.
    public struct ImportedEnvironment: Equatable, Sendable {
        public var environment: Environment
        /// Whether the file says where the token comes from (the token itself, or a variable's name).
        public var tokenGiven: Bool
        /// The JSON path of the item in the file.
        public var source: String
        /// Made for the host a request's URL names: the import reuses an environment of the store that points
        /// there, or adds one under a free name, whatever the conflict policy, so no request changes host.
        public var madeForHost = false
    }

    /// A request from the file, with the JSON path of its item.
    public struct ImportedRequest: Equatable, Sendable {
        public var request: LaunchRequest
        public var source: String
    }

    /// Something in the file salvo left out, and why.
    public struct Skipped: Equatable, Sendable {
        /// The item's name and JSON path.
        public var item: String
        public var reason: String
    }

    /// The process environment variable an imported environment without a token reads it from.
    public static let defaultTokenVariable = "SALVO_TOKEN"

    public var format: Format
    public var environments: [ImportedEnvironment] = []
    public var requests: [ImportedRequest] = []
    public var skipped: [Skipped] = []
    /// The environment the file's requests without one of their own go to (its name in the file).
    public var defaultEnvironment: String?
    /// Names the file gave that salvo had to change to follow its naming rule, as (from, to).
    public var renamed: [(from: String, to: String)] = []
    private var renamedFrom: Set<String> = []

    init(format: Format) {
        self.format = format
    }

    /// Reads an import file: a salvo bundle, a Postman collection (v2.0 or v2.1) or a Postman environment.
    /// Throws an `InputError` naming the JSON path of the first thing that is wrong.
    public static func read(_ text: String) throws(InputError) -> ImportBundle {
        let document: JSONValue
        do {
            // A byte order mark, as Windows editors write one: Newman reads such files, so does salvo.
            document = try JSONParser.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        } catch {
            throw InputError.invalidJSON(in: "the file", error)
        }
        guard case .object = document else {
            throw InputError(
                "the file holds \(document.typeName), not an object: a salvo bundle, a Postman collection "
                    + "or a Postman environment")
        }
        let root = JSONCursor(document)
        if root["salvo"] != nil { return try SalvoBundle.read(root) }
        if root["info"] != nil || root["item"] != nil { return try PostmanCollection.read(root) }
        if root["values"] != nil { return try PostmanEnvironment.read(root) }
        if root["requests"] != nil, root["order"] != nil || root["folders"] != nil {
            throw InputError(
                "the file is a Postman collection in format v1, which salvo does not read: in Postman, export the "
                    + "collection again as Collection v2.1")
        }
        throw InputError(
            "the file is not a salvo bundle (no \"salvo\" key), a Postman collection (no \"info\") "
                + "or a Postman environment (no \"values\")")
    }

    /// A name that follows salvo's rule, made from `text` (a Postman name such as "Welcome e-mail"), recorded
    /// in `renamed` when it had to change. Nil when nothing usable is left.
    mutating func name(from text: String) -> String? {
        guard let name = Name.sanitized(text) else { return nil }
        if name != text && renamedFrom.insert(text).inserted { renamed.append((text, name)) }
        return name
    }
}

/// Hands out names not taken yet: `name`, else `name-2`, `name-3`... remembering where each base name's count
/// stands, so a file of many items with one name is not quadratic.
public struct UniqueNames: Sendable {
    private var taken: Set<String>
    private var next: [String: Int] = [:]

    public init(taken: some Sequence<String> = []) {
        self.taken = Set(taken)
    }

    /// A free name made from `name`, now taken.
    public mutating func claim(_ name: String) -> String {
        var candidate = name
        var number = next[name] ?? 2
        while taken.contains(candidate) {
            let suffix = "-\(number)"
            candidate = String(name.prefix(Name.maximumLength - suffix.count)) + suffix
            number += 1
        }
        next[name] = number
        taken.insert(candidate)
        return candidate
    }
}

/// What `import` does when a name in the file is already in the store.
public enum ConflictPolicy: String, CaseIterable, Sendable {
    /// Import nothing and say which item conflicts.
    case fail
    /// Keep what the store has and leave the file's item out.
    case skip
    /// Import the file's item under a free name (`name-2`).
    case rename
    /// Overwrite the store's item with the file's.
    case replace
}
