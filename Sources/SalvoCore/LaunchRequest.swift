/// A saved launch: a named, foldered, tagged template of one Altcraft API call.
public struct LaunchRequest: Equatable, Sendable {
    /// What the request launches.
    public enum Kind: String, CaseIterable, Sendable {
        /// `campaigns/triggers/start`, built from the trigger flags and checked field by field.
        case trigger
        /// Any other API method with a free JSON body, such as `campaigns/triggers/start_batch`.
        case method
    }

    /// The method path of a trigger launch, under `/api/v1.1/`.
    public static let triggerMethod = "campaigns/triggers/start"

    public var name: String
    public var kind: Kind
    /// The API method under `/api/v1.1/`, such as `campaigns/triggers/start`.
    public var method: String
    /// Empty for the top level, or names joined by `/`.
    public var folder: String
    /// Sorted, each once.
    public var tags: [String]
    /// The request's default environment, if it has one.
    public var environment: String?
    /// The JSON body as a template, without the token (the environment adds it at send time).
    public var body: JSONValue
    /// The store's identity of this request, kept through renames; nil until it is saved.
    public var uid: String?

    public init(
        name: String, kind: Kind, method: String, folder: String = "", tags: [String] = [],
        environment: String? = nil, body: JSONValue, uid: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.method = method
        self.folder = folder
        self.tags = Array(Set(tags)).sorted()
        self.environment = environment
        self.body = body
        self.uid = uid
    }

    /// Throws unless the request can be saved: valid names, method, body and templates.
    public func validate() throws(InputError) {
        try Name.validate(name, as: "request name")
        try Name.validateFolder(folder)
        for tag in tags { try Name.validate(tag, as: "tag") }
        if let environment { try Name.validate(environment, as: "environment name") }
        try Self.validateMethod(method)
        guard body.members != nil else { throw InputError("the body must be a JSON object, not \(body.typeName)") }
        guard body["token"] == nil else {
            throw InputError("the body must not hold \"token\": the environment adds it at send time; remove it")
        }
        do {
            _ = try Template.variables(in: body)
        } catch {
            throw InputError.template(error, in: "the body")
        }
        switch kind {
        case .trigger:
            guard method == Self.triggerMethod else {
                throw InputError("a trigger request launches \(Self.triggerMethod), not \(method)")
            }
            try TriggerBody.validate(body)
        case .method:
            break
        }
    }

    /// Throws unless `method` looks like an API method path such as `campaigns/triggers/start_batch`.
    public static func validateMethod(_ method: String) throws(InputError) {
        let parts = method.split(separator: "/", omittingEmptySubsequences: false)
        let valid =
            !method.isEmpty
            && parts.allSatisfy { part in
                !part.isEmpty
                    && part.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == "-" }
            }
        guard valid else {
            throw InputError(
                "'\(Name.printable(method))' is not an API method; write it like campaigns/triggers/start_batch "
                    + "(the part of the URL after /api/v1.1/)")
        }
    }

    /// Every template variable the request uses, in order of first use.
    public var variables: [String] {
        (try? Template.variables(in: body)) ?? []
    }
}
