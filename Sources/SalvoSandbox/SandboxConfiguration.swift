/// How the sandbox behaves: where it listens, which tokens and triggers exist, and how it misbehaves on purpose.
public struct SandboxConfiguration: Sendable {
    /// How the HTTP status of an error answer is chosen (the platform does not document it).
    public enum ErrorStatus: String, CaseIterable, Sendable {
        /// The HTTP status equals the envelope's code (400, 401, 402, 403).
        case mirror
        /// Always HTTP 200, the error only in the envelope.
        case ok = "200"
    }

    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 8787
    /// Accepted API tokens.
    public var tokens: [String]
    /// Trigger ids that exist and are active; nil accepts any.
    public var triggers: Set<Int>?
    /// Milliseconds to wait before answering (after the launch is processed).
    public var latencyMilliseconds = 0
    /// Share of requests (0...1) answered with a 5xx before being processed.
    public var failRate = 0.0
    /// Share of requests answered 429 with `Retry-After` before being processed.
    public var throttleRate = 0.0
    /// Share of requests whose connection is closed without an answer, after being processed.
    public var resetRate = 0.0
    /// Failures answer an HTML 502 page instead of JSON.
    public var htmlErrors = false
    /// Seconds sent in `Retry-After` with a 429.
    public var retryAfterSeconds = 1
    public var errorStatus = ErrorStatus.mirror
    /// Seed for the misbehaviour's random choices, so a failing test can be replayed.
    public var seed: UInt64?

    public init(tokens: [String]) {
        self.tokens = tokens
    }
}
