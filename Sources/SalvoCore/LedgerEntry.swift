/// One entry of the ledger as its hash chain sees it: an attempt or an outcome with its place in the chain.
/// The hash is defined here, over typed fields, so that every backend computes the same one and `audit verify`
/// means the same on each; the encoding is the one salvo has always written (entries of earlier versions
/// verify): the ledger's column names as keys, integers as JSON numbers, reals and text as strings, absent
/// values left out, and each NUL in text as U+FFFD (SQLite cannot store a NUL in text).
public enum LedgerEntry: Sendable {
    /// An attempt, with its content key as recorded (attempts from before content keys existed have none).
    case attempt(seq: Int64, at: String, LaunchAttempt, contentKey: String?)
    case outcome(seq: Int64, at: String, runID: Int64, requestID: String, attemptSeq: Int64, LaunchOutcome)

    /// The entry's place in the chain.
    public var seq: Int64 {
        switch self {
        case .attempt(let seq, _, _, _), .outcome(let seq, _, _, _, _, _): seq
        }
    }

    /// This entry's hash, chained to `previous`.
    public func hash(previous: String) -> String {
        stored(after: previous).hash
    }

    /// The entry as a backend stores it after the entry whose hash is `previous`: its columns (`columns`) and
    /// its hash, the values built once.
    public func stored(after previous: String) -> (columns: [(name: String, value: Value?)], hash: String) {
        let columns = columns
        let order =
            switch self {
            case .attempt: Self.attemptOrder
            case .outcome: Self.outcomeOrder
            }
        return (columns, Self.hash(previous: previous, columns: columns, order: order))
    }

    /// `HashChain.hash` over the canonical JSON of the present columns under their names (keys sorted by their
    /// bytes), written straight into bytes in the order sorted once per kind.
    private static func hash(previous: String, columns: [(name: String, value: Value?)], order: [Int]) -> String {
        HashChain.hash(previous: previous) { output in
            output.append(UInt8(ascii: "{"))
            var first = true
            for index in order {
                guard let value = columns[index].value else { continue }
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                JSONValue.writeString(columns[index].name, to: &output)
                output.append(UInt8(ascii: ":"))
                switch value {
                case .integer(let number): output.append(contentsOf: String(number).utf8)
                case .real(let number): JSONValue.writeString(String(number), to: &output)
                case .text(let text): JSONValue.writeString(text, to: &output)
                }
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// A column's value as stored.
    public enum Value: Equatable, Sendable {
        case integer(Int64)
        case real(Double)
        case text(String)
    }

    /// Every column of the entry's kind with its value as stored (nil: NULL), in one order per kind: what a
    /// backend stores, and all its hash covers.
    public var columns: [(name: String, value: Value?)] {
        switch self {
        case .attempt: zip(Self.attemptColumns, values).map { (name: $0, value: $1) }
        case .outcome: zip(Self.outcomeColumns, values).map { (name: $0, value: $1) }
        }
    }

    /// The columns of an attempt, in the order of `values`.
    public static let attemptColumns = [
        "seq", "kind", "at", "run_id", "request_id", "try", "request_name", "method", "environment", "base_url", "url",
        "trigger_id", "recipient_kind", "recipient", "data_row", "iteration", "ordinal", "replay_of",
        "request_headers", "request_body", "token_fingerprint", "os_user", "host", "environment_uid", "request_uid",
        "content_key",
    ]
    /// The columns of an outcome, in the order of `values`.
    public static let outcomeColumns = [
        "seq", "kind", "at", "run_id", "request_id", "attempt_seq", "result", "http_status", "response_headers",
        "response_body", "duration_ms", "error_code", "error_text", "transport_error", "duplicate",
    ]
    /// The positions of the columns with their names sorted by UTF-8 bytes: the canonical JSON's key order.
    private static let attemptOrder = sortedOrder(attemptColumns)
    private static let outcomeOrder = sortedOrder(outcomeColumns)

    private static func sortedOrder(_ names: [String]) -> [Int] {
        names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
    }

    /// The values of the entry's columns (nil: NULL), in the order of its kind's column names.
    private var values: [Value?] {
        func integer<N: BinaryInteger>(_ value: N?) -> Value? { value.map { .integer(Int64($0)) } }
        func text(_ value: String?) -> Value? { value.map { .text(LedgerEntry.storable($0)) } }
        switch self {
        case .attempt(let seq, let at, let attempt, let contentKey):
            return [
                integer(seq), text("attempt"), text(at), integer(attempt.runID), text(attempt.requestID),
                integer(attempt.tryNumber), text(attempt.requestName), text(attempt.method), text(attempt.environment),
                text(attempt.baseURL), text(attempt.url), text(attempt.identity.trigger),
                text(attempt.identity.recipientKind), text(attempt.identity.recipient), integer(attempt.dataRow),
                integer(attempt.iteration), integer(attempt.ordinal), integer(attempt.replayOf),
                text(Self.headersText(attempt.headers)), text(attempt.body), text(attempt.tokenFingerprint),
                text(attempt.by.user), text(attempt.by.host), text(attempt.environmentUID), text(attempt.requestUID),
                text(contentKey),
            ]
        case .outcome(let seq, let at, let runID, let requestID, let attemptSeq, let outcome):
            return [
                integer(seq), text("outcome"), text(at), integer(runID), text(requestID), integer(attemptSeq),
                text(outcome.result.rawValue), integer(outcome.httpStatus), text(Self.headersText(outcome.headers)),
                text(outcome.body), .real(outcome.durationMilliseconds), integer(outcome.errorCode),
                text(outcome.errorText), text(outcome.transportError), integer(outcome.duplicate ? 1 : 0),
            ]
        }
    }

    /// Headers as the ledger stores them: a JSON array of `[name, value]` pairs.
    public static func headersText(_ headers: [PreparedLaunch.Header]) -> String {
        JSONValue.array(headers.map { .array([.string($0.name), .string($0.value)]) }).compact
    }

    /// Headers from the ledger's text (`headersText`); pairs of another shape are left out.
    public static func headersFromText(_ text: String?) throws -> [PreparedLaunch.Header] {
        guard let text, case .array(let pairs) = try JSONParser.parse(text) else { return [] }
        return pairs.compactMap { pair in
            guard case .array(let parts) = pair, parts.count == 2, let name = parts[0].stringValue,
                let value = parts[1].stringValue
            else { return nil }
            return PreparedLaunch.Header(name: name, value: value)
        }
    }

    /// Text as the ledger stores it: each NUL as U+FFFD.
    static func storable(_ text: String) -> String {
        text.replacingBytes(of: "\u{0}", with: "\u{FFFD}")
    }
}
