import SalvoCore
import SalvoStorage

/// How environments are shown: a table row, a block of lines, or JSON with stable keys.
struct EnvironmentView {
    let environment: Environment
    let isDefault: Bool
    let fingerprinter: TokenFingerprinter

    static let headers = ["", "NAME", "BASE URL", "AUTH", "TOKEN", "GUARD", "VARIABLES"]

    var row: [String] {
        [
            isDefault ? "*" : "", environment.name, environment.baseURL, environment.auth.rawValue,
            fingerprinter.describe(environment.token), GuardWindow.format(environment.guardSeconds),
            "\(environment.variables.count)",
        ]
    }

    /// The JSON document: the audit form (token as fingerprint or variable) and whether it is the default.
    var json: JSONValue {
        AuditDocument.environment(environment, fingerprinter: fingerprinter).setting("default", to: .bool(isDefault))
    }

    /// Lines of `key  value`, the token masked unless `revealed` holds it.
    func lines(revealed: String?, processEnvironment: [String: String]) -> [String] {
        var token = fingerprinter.describe(environment.token)
        switch environment.token {
        case .stored: token += " (stored)"
        case .variable(let name): token += (processEnvironment[name] ?? "").isEmpty ? " (not set now)" : " (set)"
        }
        var lines = [
            ("name", environment.name + (isDefault ? " (default)" : "")),
            ("base url", environment.baseURL),
            ("auth", environment.auth == .body ? "body (\"token\" in the JSON body)" : "bearer (Authorization header)"),
            ("token", revealed ?? token),
            (
                "guard",
                environment.guardSeconds == 0
                    ? "off"
                    : "\(GuardWindow.format(environment.guardSeconds)), identical = \(environment.guardRule.summary)"
            ),
        ]
        if environment.insecure { lines.append(("tls", "certificate not verified (--insecure)")) }
        if environment.trailingSlash { lines.append(("urls", "with a trailing slash")) }
        for (key, value) in environment.variables.sorted(by: { $0.key < $1.key }) {
            lines.append(("var", "\(key)=\(value)"))
        }
        return lines.map { "\($0.0.padding(toLength: 9, withPad: " ", startingAt: 0))\($0.1)" }
    }
}
