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
        HashChain.hash(previous: previous, fields: fields)
    }

    /// A column's value as stored.
    public enum Value: Equatable, Sendable {
        case integer(Int64)
        case real(Double)
        case text(String)
    }

    /// The fields the hash covers, under the ledger's column names: `columns` without the absent ones.
    public var fields: JSONValue {
        .object(
            columns.compactMap { name, value in
                switch value {
                case nil: nil
                case .integer(let number)?: JSONValue.Member(name, .number(String(number)))
                case .real(let number)?: JSONValue.Member(name, .string(String(number)))
                case .text(let text)?: JSONValue.Member(name, .string(text))
                }
            })
    }

    /// Every column of the entry's kind with its value as stored (nil: NULL), in one order per kind: what a
    /// backend stores, and all its hash covers.
    public var columns: [(name: String, value: Value?)] {
        var fields = Fields()
        switch self {
        case .attempt(let seq, let at, let attempt, let contentKey):
            fields.integer("seq", seq)
            fields.text("kind", "attempt")
            fields.text("at", at)
            fields.integer("run_id", attempt.runID)
            fields.text("request_id", attempt.requestID)
            fields.integer("try", attempt.tryNumber)
            fields.text("request_name", attempt.requestName)
            fields.text("method", attempt.method)
            fields.text("environment", attempt.environment)
            fields.text("base_url", attempt.baseURL)
            fields.text("url", attempt.url)
            fields.text("trigger_id", attempt.identity.trigger)
            fields.text("recipient_kind", attempt.identity.recipientKind)
            fields.text("recipient", attempt.identity.recipient)
            fields.integer("data_row", attempt.dataRow)
            fields.integer("iteration", attempt.iteration)
            fields.integer("ordinal", attempt.ordinal)
            fields.integer("replay_of", attempt.replayOf)
            fields.text("request_headers", Self.headersText(attempt.headers))
            fields.text("request_body", attempt.body)
            fields.text("token_fingerprint", attempt.tokenFingerprint)
            fields.text("os_user", attempt.by.user)
            fields.text("host", attempt.by.host)
            fields.text("environment_uid", attempt.environmentUID)
            fields.text("request_uid", attempt.requestUID)
            fields.text("content_key", contentKey)
        case .outcome(let seq, let at, let runID, let requestID, let attemptSeq, let outcome):
            fields.integer("seq", seq)
            fields.text("kind", "outcome")
            fields.text("at", at)
            fields.integer("run_id", runID)
            fields.text("request_id", requestID)
            fields.integer("attempt_seq", attemptSeq)
            fields.text("result", outcome.result.rawValue)
            fields.integer("http_status", outcome.httpStatus)
            fields.text("response_headers", Self.headersText(outcome.headers))
            fields.text("response_body", outcome.body)
            fields.real("duration_ms", outcome.durationMilliseconds)
            fields.integer("error_code", outcome.errorCode)
            fields.text("error_text", outcome.errorText)
            fields.text("transport_error", outcome.transportError)
            fields.integer("duplicate", outcome.duplicate ? 1 : 0)
        }
        return fields.columns
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
        text.utf8.contains(0) ? text.replacing("\u{0}", with: "\u{FFFD}") : text
    }

    private struct Fields {
        var columns: [(name: String, value: Value?)] = []

        mutating func integer<N: BinaryInteger>(_ name: String, _ value: N?) {
            columns.append((name, value.map { .integer(Int64($0)) }))
        }

        mutating func real(_ name: String, _ value: Double) {
            columns.append((name, .real(value)))
        }

        mutating func text(_ name: String, _ value: String?) {
            columns.append((name, value.map { .text(LedgerEntry.storable($0)) }))
        }
    }
}
