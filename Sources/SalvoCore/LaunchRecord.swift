/// How a launch ended, as the ledger and `history` name it.
public enum LaunchResult: String, CaseIterable, Sendable {
    /// A 2xx answer whose body has `error` 0.
    case ok
    /// A complete answer that is not ok: 4xx, 5xx, `error` != 0, or a body that is not the platform's JSON.
    case rejected
    /// No connection was made (refused, DNS, TLS): nothing left the machine.
    case notSent = "not-sent"
    /// The request may have left but no complete answer came (timeout, reset, the process died).
    case unknown
    /// Not sent: an identical launch succeeded within the environment's guard window.
    case skipped
}

/// What the ledger records before a launch's bytes leave: everything needed to say what was sent to whom,
/// with the token replaced by its mask.
public struct LaunchAttempt: Equatable, Sendable {
    public var runID: Int64
    /// The `Request-ID` header: one per launch, reused by retries and resumes so the platform de-duplicates.
    public var requestID: String
    /// 1 for the first try, then 2, 3... for retries and resumes of the same launch.
    public var tryNumber: Int
    public var requestName: String
    public var method: String
    public var environment: String
    public var baseURL: String
    public var url: String
    public var identity: LaunchIdentity
    /// The data row (from 1) that produced the launch, when it came from a run with data.
    public var dataRow: Int?
    /// The iteration (from 1) of a run, and the launch's position in it (see `ledger.ordinal`).
    public var iteration: Int?
    public var ordinal: Int?
    /// The ledger entry this launch deliberately replays.
    public var replayOf: Int64?
    /// The store's identities of the environment and the request, kept through renames (nil on attempts
    /// recorded before they existed).
    public var environmentUID: String?
    public var requestUID: String?
    /// Headers as sent, the token masked.
    public var headers: [PreparedLaunch.Header]
    /// The body exactly as sent, the token masked.
    public var body: String {
        didSet { contentKey = Self.contentKey(method: method, body: body) }
    }
    /// What makes launches identical under the guard's `content` rule: the SHA-256 of the method and the
    /// body, every token mask made alike (so a rotated token does not make a launch new).
    public private(set) var contentKey: String
    public var tokenFingerprint: String
    public var by: Operator

    public init(
        runID: Int64, requestID: String, tryNumber: Int, requestName: String, method: String, environment: String,
        baseURL: String, url: String, identity: LaunchIdentity, dataRow: Int?, replayOf: Int64?,
        headers: [PreparedLaunch.Header], body: String, tokenFingerprint: String, by: Operator,
        contentKey: String? = nil
    ) {
        self.runID = runID
        self.requestID = requestID
        self.tryNumber = tryNumber
        self.requestName = requestName
        self.method = method
        self.environment = environment
        self.baseURL = baseURL
        self.url = url
        self.identity = identity
        self.dataRow = dataRow
        self.iteration = nil
        self.ordinal = nil
        self.replayOf = replayOf
        self.headers = headers
        self.body = body
        // A recorded attempt brings the key it was recorded with; a new one computes it.
        self.contentKey = contentKey ?? Self.contentKey(method: method, body: body)
        self.tokenFingerprint = tokenFingerprint
        self.by = by
    }
}

extension LaunchAttempt {
    /// The content key of a launch of `method` with the (masked) `body`.
    public static func contentKey(method: String, body: String) -> String {
        SHA256Hex.digest(method + "\n" + withMasksAlike(body))
    }

    /// `text` with every `<token fp:...>` mask written `<token>`.
    static func withMasksAlike(_ text: String) -> String {
        let opening = "<token fp:"
        var masks: [Range<Int>] = []
        var position = 0
        while let start = text.utf8Offset(of: opening, from: position) {
            guard let end = text.utf8Offset(of: ">", from: start + opening.utf8.count) else { break }
            masks.append(start..<end + 1)
            position = end + 1
        }
        return masks.isEmpty ? text : text.replacingBytes(in: masks, with: "<token>")
    }
}

/// What the ledger records once a launch's answer (or failure) is known.
public struct LaunchOutcome: Equatable, Sendable {
    public var result: LaunchResult
    public var httpStatus: Int?
    /// Headers as received, any echo of the token masked.
    public var headers: [PreparedLaunch.Header]
    /// The body as received (any echo of the token masked), or nil when none came.
    public var body: String?
    public var durationMilliseconds: Double
    /// The platform's `error` code and `error_text`, when the body had them.
    public var errorCode: Int?
    public var errorText: String?
    /// What went wrong on the way, for `not-sent` and `unknown`, or why a launch was skipped.
    public var transportError: String?
    /// Whether the platform answered `Duplicate-Request: true` (it had seen this Request-ID).
    public var duplicate: Bool

    /// How long the answer took, for latency figures: nil when none came (not sent, unknown, skipped).
    public var latency: Double? { httpStatus == nil ? nil : durationMilliseconds }

    public init(
        result: LaunchResult, httpStatus: Int? = nil, headers: [PreparedLaunch.Header] = [], body: String? = nil,
        durationMilliseconds: Double = 0, errorCode: Int? = nil, errorText: String? = nil,
        transportError: String? = nil, duplicate: Bool = false
    ) {
        self.result = result
        self.httpStatus = httpStatus
        self.headers = headers
        self.body = body
        self.durationMilliseconds = durationMilliseconds
        self.errorCode = errorCode
        self.errorText = errorText
        self.transportError = transportError
        self.duplicate = duplicate
    }
}

/// An attempt as the ledger holds it, with its outcome once there is one: what history, exports and reports
/// read.
public struct RecordedAttempt: Sendable {
    /// The ledger id of the attempt.
    public var id: Int64
    /// When it was recorded.
    public var at: String
    public var attempt: LaunchAttempt
    public var outcome: RecordedOutcome?

    public init(id: Int64, at: String, attempt: LaunchAttempt, outcome: RecordedOutcome? = nil) {
        self.id = id
        self.at = at
        self.attempt = attempt
        self.outcome = outcome
    }
}

/// An outcome as the ledger holds it.
public struct RecordedOutcome: Sendable {
    /// The ledger id of the outcome.
    public var id: Int64
    public var at: String
    public var outcome: LaunchOutcome

    public init(id: Int64, at: String, outcome: LaunchOutcome) {
        self.id = id
        self.at = at
        self.outcome = outcome
    }
}
