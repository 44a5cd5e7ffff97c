import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SalvoCore
import Synchronization

/// Answers one request: the launch log, or a launch method with misbehaviour, auth, validation and
/// de-duplication, in the order the platform (and a flaky network) would apply them.
struct SandboxHandler: Sendable {
    let settings: SandboxSettings
    let state: SandboxState

    /// How the sandbox behaves now (a test may change it while it runs).
    var configuration: SandboxConfiguration { settings.current }

    static let apiPrefix = "/api/v1.1/"
    static let maximumBody = 10 * 1024 * 1024

    /// An answer before it becomes a Hummingbird response, so its text can be logged.
    struct Reply {
        var status: Int
        var headers: [(HTTPField.Name, String)] = []
        var body: String
        var contentType = "application/json"

        var response: Response {
            var fields: HTTPFields = [.contentType: contentType]
            for (name, value) in headers { fields[name] = value }
            return Response(
                status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    func respond(to request: Request, context: SandboxContext) async throws -> Reply {
        let path = String(request.uri.string.prefix { $0 != "?" })
        if path == "/_sandbox/launches" || path == "/_sandbox/launches/" {
            switch request.method {
            case .get:
                return Reply(status: 200, body: JSONValue.array(await state.records.map(\.json)).pretty + "\n")
            case .delete:
                await state.clear()
                return Reply(status: 200, body: #"{"cleared":true}"# + "\n")
            default:
                return Reply(status: 405, body: #"{"error":"use GET or DELETE"}"#)
            }
        }
        guard path.hasPrefix(Self.apiPrefix) else { return Reply(status: 404, body: #"{"error":"not found"}"#) }
        var method = String(path.dropFirst(Self.apiPrefix.count))
        if method.hasSuffix("/") { method.removeLast() }
        guard request.method == .post else { return reply(.bad("use POST"), httpStatus: 405) }
        let text = String(buffer: try await request.body.collect(upTo: Self.maximumBody + 1))
        // Whatever token came, accepted or not, is masked in the log: a real one sent here by mistake stays secret.
        let presented = Self.presentedTokens(body: text, authorization: request.headers[.authorization])
        var record = SandboxRecord(
            seq: 0, at: Timestamp.string(from: Date()), path: path, host: request.head.authority,
            headers: request.headers.map { .init(name: $0.name.rawName, value: mask($0.value, also: presented)) },
            body: mask(text, also: presented),
            requestID: request.headers[Self.requestID], delivered: false, duplicate: false, misbehaviour: nil,
            recipient: nil, status: 0, response: "")

        if await state.roll() < configuration.throttleRate {
            let throttled = reply(
                PlatformRules.Answer(code: 429, text: "Too many requests"), httpStatus: 429,
                extra: [(Self.retryAfter, "\(configuration.retryAfterSeconds)")])
            return await log(&record, "throttled", throttled)
        }
        if await state.roll() < configuration.failRate {
            return await log(&record, "failed", failure())
        }
        let (answer, delivered) = await process(method: method, text: text, request: request, record: &record)
        record.delivered = delivered
        // Logged before the latency and the reset, so the log shows a launch while its answer is held back.
        let reset = await state.roll() < configuration.resetRate
        let logged = await log(&record, reset ? "reset" : nil, answer)
        if configuration.latencyMilliseconds > 0 {
            try? await Task.sleep(for: .milliseconds(configuration.latencyMilliseconds))
        }
        if reset { try? await context.channel.close() }
        return logged
    }

    /// Auth, validation, de-duplication and delivery. Returns the answer and whether the launch was delivered.
    private func process(method: String, text: String, request: Request, record: inout SandboxRecord) async
        -> (Reply, Bool)
    {
        guard text.utf8.count <= Self.maximumBody else {
            return (reply(.bad("the body is larger than 10 MB"), httpStatus: 413), false)
        }
        guard PlatformRules.methods.contains(method) else {
            return (reply(.bad("unknown method \(method)"), httpStatus: 404), false)
        }
        guard let body = try? JSONParser.parse(text), body.members != nil else {
            return (reply(.bad("the body is not a JSON object")), false)
        }
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let token = body["token"]?.stringValue ?? bearer else {
            return (reply(PlatformRules.Answer(code: 401, text: "API token required")), false)
        }
        guard configuration.tokens.contains(token) else {
            return (reply(PlatformRules.Answer(code: 401, text: "API token required: the token is not valid")), false)
        }
        if method == "campaigns/triggers/start" {
            record.recipient = LaunchIdentity(body: body, kind: .trigger).recipient
        }
        let key = SHA256Hex.digest(record.requestID.map { "id:\($0)" } ?? "body:\(method)\n\(text)")
        let outcome = await state.deliverOnce(key, now: Date()) { number in
            let answer = PlatformRules.answer(
                method: method, body: body, triggers: configuration.triggers, launchNumber: number)
            let result = reply(answer)
            return (result.status, result.body, answer.code == 0)
        }
        record.duplicate = outcome.duplicate
        let headers = outcome.duplicate ? [(Self.duplicateRequest, "true"), (Self.duplicateKey, key)] : []
        return (Reply(status: outcome.status, headers: headers, body: outcome.body), outcome.delivered)
    }

    private func failure() -> Reply {
        guard configuration.htmlErrors else {
            return reply(PlatformRules.Answer(code: 500, text: "Internal server error"), httpStatus: 503)
        }
        let page =
            "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>\n"
        return Reply(status: 502, body: page, contentType: "text/html")
    }

    private func log(_ record: inout SandboxRecord, _ misbehaviour: String?, _ reply: Reply) async -> Reply {
        record.misbehaviour = misbehaviour
        record.status = reply.status
        record.response = reply.body
        await state.append(record)
        return reply
    }

    /// The envelope answer with the HTTP status the configuration asks for.
    private func reply(
        _ answer: PlatformRules.Answer, httpStatus: Int? = nil, extra: [(HTTPField.Name, String)] = []
    ) -> Reply {
        let status = httpStatus ?? (answer.code == 0 || configuration.errorStatus == .ok ? 200 : answer.code)
        return Reply(status: status, headers: extra, body: answer.body)
    }

    private func mask(_ text: String, also presented: [String]) -> String {
        (configuration.tokens + presented).reduce(text) { $0.replacing($1, with: "<token>") }
    }

    /// The tokens a request presents: its body's `token` and its bearer token, whether valid or not.
    private static func presentedTokens(body: String, authorization: String?) -> [String] {
        var tokens: [String] = []
        if let token = (try? JSONParser.parse(body))?["token"]?.stringValue, !token.isEmpty { tokens.append(token) }
        if let authorization, authorization.hasPrefix("Bearer "), authorization.count > 7 {
            tokens.append(String(authorization.dropFirst(7)))
        }
        return tokens
    }

    static let requestID = HTTPField.Name("Request-ID")!
    static let retryAfter = HTTPField.Name("Retry-After")!
    static let duplicateRequest = HTTPField.Name("Duplicate-Request")!
    static let duplicateKey = HTTPField.Name("Duplicate-Key")!
}

/// A running sandbox's configuration, which `SandboxServer.reconfigure` changes in place.
final class SandboxSettings: Sendable {
    private let value: Mutex<SandboxConfiguration>

    init(_ configuration: SandboxConfiguration) {
        value = Mutex(configuration)
    }

    var current: SandboxConfiguration { value.withLock { $0 } }

    func change(_ body: (inout SandboxConfiguration) -> Void) {
        value.withLock { body(&$0) }
    }
}
