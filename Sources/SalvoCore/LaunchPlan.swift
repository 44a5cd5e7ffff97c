/// One launch ready to go: the bytes for the wire (with the token) and the ledger's attempt (token masked),
/// built together so that what is recorded is exactly what is sent, but for the token.
public struct LaunchPlan: Sendable {
    /// URL and headers as sent, with the token.
    public var launch: PreparedLaunch
    /// The body as sent, with the token: serialized once, so the recorded text is these very bytes.
    public var bodyText: String
    /// What the ledger records before sending.
    public var attempt: LaunchAttempt
    private let masks: TokenMask

    /// Plans a launch of `request` (its body already rendered) to `environment` with `token`.
    public static func make(
        request: LaunchRequest, body: JSONValue, environment: Environment, token: String,
        fingerprinter: TokenFingerprinter, runID: Int64, requestID: String, dataRow: Int? = nil,
        replayOf: Int64? = nil, by: Operator
    ) -> LaunchPlan {
        let fingerprint = fingerprinter.fingerprint(token)
        let mask = "<token \(fingerprint)>"
        func build(_ token: String) -> PreparedLaunch {
            LaunchBuilder.prepare(
                body: body, method: request.method, environment: environment, token: token, requestID: requestID)
        }
        var launch = build(token)
        let bodyText = launch.body.compact
        launch.headers = framed(launch.headers, url: launch.url, bodyText: bodyText)
        let masks = TokenMask(token: token, mask: mask)
        // The record differs from the wire only where the token is: the launch is built once and every
        // occurrence of the token masked, the place it was put and any other (a token pasted into a variable).
        // A token too short to search for is masked only where it was put: the launch is built again with the
        // mask in its place.
        var recorded = (headers: launch.headers, body: bodyText)
        if !masks.searches {
            let masked = build(mask)
            recorded = (framed(masked.headers, url: launch.url, bodyText: bodyText), masked.body.compact)
        }
        var attempt = LaunchAttempt(
            runID: runID, requestID: requestID, tryNumber: 1, requestName: request.name, method: request.method,
            environment: environment.name, baseURL: environment.baseURL, url: launch.url,
            identity: LaunchIdentity(body: body, kind: request.kind), dataRow: dataRow, replayOf: replayOf,
            headers: recorded.headers.map { .init(name: $0.name, value: masks.apply($0.value)) },
            body: masks.apply(recorded.body), tokenFingerprint: fingerprint, by: by)
        attempt.environmentUID = environment.uid
        attempt.requestUID = request.uid
        return LaunchPlan(launch: launch, bodyText: bodyText, attempt: attempt, masks: masks)
    }

    /// `headers` with the framing headers the HTTP client would otherwise add on its own, decided here so the
    /// ledger records every header that leaves, as it leaves: `Host` (the URL's authority) and, last,
    /// `Content-Length` (of the body as sent, token included). Any earlier framing headers are replaced.
    static func framed(_ headers: [PreparedLaunch.Header], url: String, bodyText: String) -> [PreparedLaunch.Header] {
        headers.filter { !$0.isFraming } + [
            .init(name: "Host", value: authority(of: url)),
            .init(name: "Content-Length", value: String(bodyText.utf8.count)),
        ]
    }

    /// The authority of an absolute URL: what lies between `scheme://` and the path.
    static func authority(of url: String) -> String {
        let rest = url.utf8Offset(of: "://").map { Substring(url.utf8.dropFirst($0 + 3)) } ?? url[...]
        return String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
    }

    /// Tokens shorter than this are not searched for in free text: a short token would match ordinary text
    /// (a token `x` inside `example.com`) and corrupt the record.
    public static let minimumMaskedLength = 8

    /// `text` with every occurrence of the token (raw or JSON-escaped) replaced by its mask.
    public func masking(_ text: String) -> String {
        masks.apply(text)
    }
}

/// A token and the mask the ledger writes in its place.
struct TokenMask: Sendable {
    let token: String
    /// The token as it appears inside a JSON string.
    let escaped: String
    let mask: String
    /// Whether the token is long enough to be searched for in free text (`LaunchPlan.minimumMaskedLength`).
    let searches: Bool

    init(token: String, mask: String) {
        self.token = token
        self.mask = mask
        escaped = JSONValue.escaped(token)
        searches = token.count >= LaunchPlan.minimumMaskedLength
    }

    /// `text` with every occurrence of the token (JSON-escaped or raw) replaced by the mask, byte for byte. The
    /// escaped form first: a token that starts with `"` or `\\`, or ends with `\\`, is found raw inside its own
    /// escaped form, and masking that first would leave part of the escape behind (and the record not JSON).
    func apply(_ text: String) -> String {
        guard searches else { return text }
        let masked = escaped == token ? text : text.replacingBytes(of: escaped, with: mask)
        return masked.replacingBytes(of: token, with: mask)
    }
}

extension LaunchPlan {
    /// The masks the ledger writes in place of a token.
    static var recordedMask: Regex<Substring> { /<token fp:[0-9a-f]{12}>/ }

    /// The next try of a recorded launch whose outcome is unknown: the same bytes, the same Request-ID, with
    /// the current token in place of its mask.
    public static func resending(_ attempt: LaunchAttempt, token: String, fingerprinter: TokenFingerprinter)
        -> LaunchPlan
    {
        var plan = sendingAgain(
            attempt, token: token, fingerprinter: fingerprinter, requestID: attempt.requestID, url: attempt.url)
        plan.attempt.tryNumber = attempt.tryNumber + 1
        return plan
    }

    /// `attempt` with the tokens of `tokens` (by fingerprint, such as `fp:0123456789ab`) in place of their
    /// masks in its URL, headers and body (JSON-escaped there), for an export the user asked to hold secrets.
    /// Masks of tokens not in `tokens` stay; the second value says whether any did.
    public static func unmasking(_ attempt: LaunchAttempt, tokens: [String: String]) -> (LaunchAttempt, Bool) {
        var unresolved = false
        func reveal(_ text: String, escaped: Bool) -> String {
            text.replacing(recordedMask) { match in
                guard let token = tokens[String(match.output.dropFirst("<token ".count).dropLast())] else {
                    unresolved = true
                    return String(match.output)
                }
                return escaped ? JSONValue.escaped(token) : token
            }
        }
        var revealed = attempt
        revealed.url = reveal(attempt.url, escaped: false)
        revealed.headers = attempt.headers.map { .init(name: $0.name, value: reveal($0.value, escaped: false)) }
        revealed.body = reveal(attempt.body, escaped: true)
        return (revealed, unresolved)
    }

    /// A deliberate new launch of exactly the body a recorded attempt sent, to `environment` (its base URL and
    /// token), with a new Request-ID, recorded as a replay of ledger entry `replayOf` in run `runID`.
    public static func replaying(
        _ attempt: LaunchAttempt, replayOf: Int64, environment: Environment, token: String,
        fingerprinter: TokenFingerprinter, runID: Int64, requestID: String, by: Operator
    ) -> LaunchPlan {
        let url = environment.baseURL + attempt.url.dropFirst(attempt.baseURL.count)
        var plan = sendingAgain(attempt, token: token, fingerprinter: fingerprinter, requestID: requestID, url: url)
        plan.attempt.tryNumber = 1
        plan.attempt.runID = runID
        plan.attempt.replayOf = replayOf
        plan.attempt.environment = environment.name
        plan.attempt.environmentUID = environment.uid
        plan.attempt.baseURL = environment.baseURL
        plan.attempt.dataRow = nil
        plan.attempt.iteration = nil
        plan.attempt.ordinal = nil
        plan.attempt.by = by
        return plan
    }

    /// A recorded attempt made ready to send again: its body and headers with `token` in place of the mask it
    /// was recorded with, `requestID` in the Request-ID header, sent to `url`.
    private static func sendingAgain(
        _ recorded: LaunchAttempt, token: String, fingerprinter: TokenFingerprinter, requestID: String, url: String
    ) -> LaunchPlan {
        let fingerprint = fingerprinter.fingerprint(token)
        let mask = "<token \(fingerprint)>"
        let escaped = JSONValue.escaped(token)
        func headers(_ replacement: String) -> [PreparedLaunch.Header] {
            recorded.headers.map { header in
                header.name.lowercased() == "request-id"
                    ? PreparedLaunch.Header(name: header.name, value: requestID)
                    : PreparedLaunch.Header(
                        name: header.name, value: header.value.replacing(recordedMask, with: replacement))
            }
        }
        let bodyText = recorded.body.replacing(recordedMask, with: escaped)
        var attempt = recorded
        attempt.requestID = requestID
        attempt.url = url
        attempt.tokenFingerprint = fingerprint
        attempt.body = recorded.body.replacing(recordedMask, with: mask)
        attempt.headers = framed(headers(mask), url: url, bodyText: bodyText)
        let launch = PreparedLaunch(
            url: url, headers: framed(headers(token), url: url, bodyText: bodyText),
            body: (try? JSONParser.parse(bodyText)) ?? .null)
        return LaunchPlan(
            launch: launch, bodyText: bodyText, attempt: attempt, masks: TokenMask(token: token, mask: mask))
    }
}
