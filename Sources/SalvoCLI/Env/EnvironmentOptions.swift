import ArgumentParser
import Foundation
import SalvoCore

/// The fields of an environment other than its token, shared by `env add` and `env edit`.
struct EnvironmentOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The platform's address, e.g. https://example.com (a path prefix is kept).", valueName: "url"))
    var baseURL: String?

    @Option(
        help: ArgumentHelp(
            "Where the token goes: in the JSON body (body) or as Authorization: Bearer (bearer).",
            valueName: "body|bearer"))
    var auth: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("A template variable (repeatable).", valueName: "key=value"))
    var variables: [String] = []

    @Option(
        name: .customLong("guard"),
        help: ArgumentHelp(
            "The duplicate-launch window, e.g. 24h, 30m, 0 to disable (default 24h).", valueName: "duration"))
    var guardWindow: String?

    @Option(
        help: ArgumentHelp(
            "Which launches the guard calls identical: content (same method and body, the default) or "
                + "recipient (same trigger and recipient, whatever the content).",
            valueName: "content|recipient"))
    var guardRule: String?

    @Flag(inversion: .prefixedNo, help: "Accept a certificate that does not verify (self-signed on-premise hosts).")
    var insecure: Bool?

    @Flag(inversion: .prefixedNo, help: "Send method URLs with a trailing slash (.../triggers/start/).")
    var trailingSlash: Bool?

    /// Whether any field flag was given.
    var isGiven: Bool {
        baseURL != nil || auth != nil || !variables.isEmpty || guardWindow != nil || guardRule != nil
            || insecure != nil
            || trailingSlash != nil
    }

    /// Warns of a base URL that names the API's path: salvo adds `/api/v1.1/METHOD` itself.
    func warn(_ console: Console) {
        guard let baseURL, var path = URLComponents(string: baseURL)?.path else { return }
        while path.hasSuffix("/") { path.removeLast() }
        guard path.hasSuffix("/api/v1.1") else { return }
        console.warn(
            "the base URL ends in /api/v1.1, which salvo adds itself: launches would go to .../api/v1.1/api/v1.1/...;"
                + " give the platform's address without it")
    }

    /// Applies the given flags to `environment`, checking each.
    func apply(to environment: inout Environment) throws {
        if let baseURL { environment.baseURL = try BaseURL.normalize(baseURL) }
        if let auth {
            guard let placement = AuthPlacement(rawValue: auth) else {
                throw InputError(
                    "--auth '\(auth)' is not one of: body (the token in the JSON body), bearer (Authorization: Bearer)")
            }
            environment.auth = placement
        }
        environment.variables.merge(try FlagParsing.variables(variables)) { _, new in new }
        if let guardWindow { environment.guardSeconds = try GuardWindow.parse(guardWindow) }
        if let guardRule {
            guard let rule = GuardRule(rawValue: guardRule) else {
                throw InputError(
                    "--guard-rule '\(guardRule)' is not one of: content (same method and body), "
                        + "recipient (same trigger and recipient)")
            }
            environment.guardRule = rule
        }
        if let insecure { environment.insecure = insecure }
        if let trailingSlash { environment.trailingSlash = trailingSlash }
    }
}
