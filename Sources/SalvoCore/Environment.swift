/// A named place to launch to: the platform's base URL, how to find and place the API token, template
/// variables, and the duplicate-launch guard window.
public struct Environment: Equatable, Sendable {
    public var name: String
    /// Normalized by `BaseURL.normalize`.
    public var baseURL: String
    public var token: TokenSource
    public var auth: AuthPlacement
    /// Template variables, the lowest layer under `--var` and data rows.
    public var variables: [String: String]
    /// Seconds within which an identical successful launch blocks a new one; 0 disables the guard.
    public var guardSeconds: Int
    /// Accept a certificate that does not verify (self-signed on-premise hosts).
    public var insecure: Bool
    /// Send method URLs with a trailing slash, the developer reference's form.
    public var trailingSlash: Bool
    /// Which launches the guard calls identical.
    public var guardRule: GuardRule
    /// The store's identity of this environment, kept through renames; nil until it is saved.
    public var uid: String?

    public init(
        name: String, baseURL: String, token: TokenSource, auth: AuthPlacement = .body,
        variables: [String: String] = [:], guardSeconds: Int = GuardWindow.defaultSeconds, insecure: Bool = false,
        trailingSlash: Bool = false, guardRule: GuardRule = .content, uid: String? = nil
    ) {
        self.name = name
        self.baseURL = baseURL
        self.token = token
        self.auth = auth
        self.variables = variables
        self.guardSeconds = guardSeconds
        self.insecure = insecure
        self.trailingSlash = trailingSlash
        self.guardRule = guardRule
        self.uid = uid
    }

    /// Throws unless every field follows its rule.
    public func validate() throws(InputError) {
        try Name.validate(name, as: "environment name")
        _ = try BaseURL.normalize(baseURL)
        switch token {
        case .stored(let token):
            guard !token.isEmpty else { throw InputError("the token is empty") }
            guard !token.contains(where: { $0.isNewline || $0 == "\0" }) else {
                throw InputError("the token contains a line break or NUL; give it on one line")
            }
        case .variable(let variable):
            guard Self.isVariableName(variable) else {
                throw InputError(
                    "'\(Name.printable(variable))' is not an environment variable name (letters, digits, _)")
            }
        }
        for key in variables.keys where !Template.isVariableName(key) {
            throw InputError(
                "variable name '\(Name.printable(key))' is not valid (a letter or _ first, then letters, digits, _ . -)"
            )
        }
        guard guardSeconds >= 0 else { throw InputError("the guard window cannot be negative") }
    }

    /// Whether `name` can name a process environment variable (POSIX: letters, digits and `_`, not a digit first).
    public static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !first.isASCIIDigit else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" }
    }
}

/// Where an environment's API token comes from.
public enum TokenSource: Equatable, Sendable {
    /// The token itself, kept in the store's environment row and nowhere else.
    case stored(String)
    /// The name of a process environment variable read at send time; the store never sees the token.
    case variable(String)
}

/// Where the token goes in a launch: the JSON body's `token` (the user guide's form) or `Authorization: Bearer`.
public enum AuthPlacement: String, CaseIterable, Sendable {
    case body
    case bearer
}
