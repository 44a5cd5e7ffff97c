/// The JSON forms of environments and requests kept as the before and after of audit events, and shown by
/// `--json` and the editor. An environment's token appears only as its fingerprint or variable name.
public enum AuditDocument {
    /// An environment with its token redacted.
    public static func environment(_ environment: Environment, fingerprinter: TokenFingerprinter) -> JSONValue {
        let source: String
        switch environment.token {
        case .stored: source = "stored"
        case .variable: source = "variable"
        }
        return .object([
            .init("name", .string(environment.name)),
            .init("base_url", .string(environment.baseURL)),
            .init("token", .string(fingerprinter.describe(environment.token))),
            .init("token_source", .string(source)),
            .init("auth", .string(environment.auth.rawValue)),
            .init("variables", variables(environment.variables)),
            .init("guard", .string(GuardWindow.format(environment.guardSeconds))),
            .init("guard_rule", .string(environment.guardRule.rawValue)),
            .init("insecure", .bool(environment.insecure)),
            .init("trailing_slash", .bool(environment.trailingSlash)),
        ])
    }

    /// An environment as its audit events record it: its document and its identity (which the duplicate guard
    /// and the history follow), so that an identity changed around salvo shows.
    public static func recorded(_ environment: Environment, fingerprinter: TokenFingerprinter) -> JSONValue {
        withIdentity(Self.environment(environment, fingerprinter: fingerprinter), environment.uid)
    }

    /// A request as its audit events record it: its document and its identity.
    public static func recorded(_ request: LaunchRequest) -> JSONValue {
        withIdentity(RequestDocument.json(request), request.uid)
    }

    private static func withIdentity(_ document: JSONValue, _ uid: String?) -> JSONValue {
        uid.map { document.setting("uid", to: .string($0)) } ?? document
    }

    /// An object of string variables with sorted keys.
    public static func variables(_ variables: [String: String]) -> JSONValue {
        .object(variables.sorted { $0.key < $1.key }.map { .init($0.key, .string($0.value)) })
    }
}
