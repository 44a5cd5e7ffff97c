/// Turns a saved request and an environment into the HTTP request the platform receives.
public enum LaunchBuilder {
    /// Every method lives under this path of the environment's base URL.
    public static let apiPath = "/api/v1.1/"

    /// Fields of a trigger launch that the platform reads as integers. A `{{variable}}` in one of them is
    /// filled with text that must be an integer, and is sent as a JSON number.
    static let integerFields = ["id", "resource_id"]

    /// The request's body with its variables filled from `variables`. With `partial`, unknown variables stay
    /// as `{{name}}` and are returned; otherwise they stop the launch with an error naming them all.
    public static func render(
        _ request: LaunchRequest, variables: [String: String], partial: Bool = false
    ) throws(InputError) -> (body: JSONValue, unresolved: [String]) {
        let rendered: (value: JSONValue, unresolved: [String])
        do {
            rendered = try Template.renderPartially(request.body) { variables[$0] }
        } catch {
            throw InputError.template(error, in: "request '\(request.name)'")
        }
        if !partial && !rendered.unresolved.isEmpty {
            throw InputError.template(.unresolved(names: rendered.unresolved), in: "request '\(request.name)'")
        }
        guard request.kind == .trigger else { return (rendered.value, rendered.unresolved) }
        var body = rendered.value
        for field in integerFields {
            guard case .string(let template)? = request.body[field], template.contains("{{"),
                case .string(let text)? = body[field], !text.contains("{{")
            else { continue }
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(text), number > 0
            else {
                throw InputError(
                    "request '\(request.name)': \"\(field)\" must be a positive integer, but \(template) gave \"\(text)\""
                )
            }
            body = body.setting(field, to: .number(String(number)))
        }
        return (body, rendered.unresolved)
    }

    /// The HTTP request for a rendered body: URL, headers and the body with the token placed as the
    /// environment says (first in the body, as the user guide writes it, or as a Bearer header).
    public static func prepare(
        body: JSONValue, method: String, environment: Environment, token: String, requestID: String? = nil
    ) -> PreparedLaunch {
        var headers = [
            PreparedLaunch.Header(name: "Content-Type", value: "application/json"),
            PreparedLaunch.Header(name: "User-Agent", value: "salvo/\(SalvoVersion.current)"),
        ]
        if let requestID { headers.append(.init(name: "Request-ID", value: requestID)) }
        var sentBody = body
        switch environment.auth {
        case .body: sentBody = .object([.init("token", .string(token))] + (body.members ?? []))
        case .bearer: headers.append(.init(name: "Authorization", value: "Bearer \(token)"))
        }
        let url = environment.baseURL + apiPath + method + (environment.trailingSlash ? "/" : "")
        return PreparedLaunch(url: url, headers: headers, body: sentBody)
    }

    /// What stands for a token wherever a launch is shown or recorded: never the token itself.
    public static func tokenMask(_ source: TokenSource, fingerprinter: TokenFingerprinter) -> String {
        switch source {
        case .stored(let token): "<token \(fingerprinter.fingerprint(token))>"
        case .variable(let name): "<token from $\(name)>"
        }
    }
}

/// An HTTP request ready to send (or to show, with the token masked).
public struct PreparedLaunch: Equatable, Sendable {
    public struct Header: Equatable, Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        /// `Host` or `Content-Length`: they follow from the URL and the body, so a tool that sends the body
        /// again (curl) sets its own.
        public var isFraming: Bool {
            let lowered = name.lowercased()
            return lowered == "host" || lowered == "content-length"
        }
    }

    public var url: String
    public var headers: [Header]
    public var body: JSONValue

    public init(url: String, headers: [Header], body: JSONValue) {
        self.url = url
        self.headers = headers
        self.body = body
    }
}
