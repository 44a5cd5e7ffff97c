import SalvoCore

/// One request the sandbox received and what it did with it, as `GET /_sandbox/launches` shows it.
public struct SandboxRecord: Sendable {
    public var seq: Int
    public var at: String
    public var path: String
    /// The Host header as received (HTTP/1.1's `Host`, kept apart from the other headers by the server).
    public var host: String?
    /// Headers as received but Host, tokens masked as `<token>`.
    public var headers: [PreparedLaunch.Header]
    /// The body as received, tokens masked as `<token>`.
    public var body: String
    public var requestID: String?
    /// The launch was processed and counted: the mailing went out.
    public var delivered: Bool
    /// A repeat of an earlier delivery (same Request-ID), answered from memory and not delivered again.
    public var duplicate: Bool
    /// What misbehaviour was applied: `throttled`, `failed`, `reset`, or nil.
    public var misbehaviour: String?
    /// Who the launch went to, as `LaunchIdentity` reads it from the body.
    public var recipient: String?
    public var status: Int
    public var response: String

    var json: JSONValue {
        [
            "seq": .integer(seq), "at": .string(at), "path": .string(path), "host": host.map { .string($0) } ?? .null,
            "headers": .object(headers.map { .init($0.name, .string($0.value)) }), "body": .string(body),
            "request_id": requestID.map { .string($0) } ?? .null, "delivered": .bool(delivered),
            "duplicate": .bool(duplicate), "misbehaviour": misbehaviour.map { .string($0) } ?? .null,
            "recipient": recipient.map { .string($0) } ?? .null, "status": .integer(status),
            "response": .string(response),
        ]
    }
}
