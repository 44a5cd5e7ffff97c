/// The ledger's export formats, one record per attempt: JSON (NDJSON and a JSON array carry everything) and
/// CSV (the main columns, RFC 4180). HAR is `HistoryHAR`.
public enum HistoryFormat {
    /// The CSV header.
    public static let csvColumns = [
        "ledger_id", "at", "user", "host", "environment", "request", "trigger", "recipient", "result", "http_status",
        "error_text", "duration_ms", "request_id", "run", "try",
    ]

    public static func json(_ entry: RecordedAttempt) -> JSONValue {
        let attempt = entry.attempt
        func headers(_ list: [PreparedLaunch.Header]) -> JSONValue {
            .array(list.map { [.string($0.name), .string($0.value)] })
        }
        let json: JSONValue = [
            "ledger_id": .number(String(entry.id)), "at": .string(entry.at), "run": .number(String(attempt.runID)),
            "request_id": .string(attempt.requestID), "try": .integer(attempt.tryNumber),
            "request": .string(attempt.requestName), "method": .string(attempt.method),
            "environment": .string(attempt.environment), "base_url": .string(attempt.baseURL),
            "url": .string(attempt.url),
            "trigger": attempt.identity.trigger.map { .string($0) } ?? .null,
            "recipient_kind": .string(attempt.identity.recipientKind), "recipient": .string(attempt.identity.recipient),
            "data_row": attempt.dataRow.map { .integer($0) } ?? .null,
            "replay_of": attempt.replayOf.map { .number(String($0)) } ?? .null,
            "request_headers": headers(attempt.headers), "request_body": .string(attempt.body),
            "token_fingerprint": .string(attempt.tokenFingerprint), "user": .string(attempt.by.user),
            "host": .string(attempt.by.host),
        ]
        guard let recorded = entry.outcome else { return json.setting("outcome", to: .null) }
        let (id, at, outcome) = (recorded.id, recorded.at, recorded.outcome)
        return json.setting(
            "outcome",
            to: [
                "ledger_id": .number(String(id)), "at": .string(at), "result": .string(outcome.result.rawValue),
                "http_status": outcome.httpStatus.map { .integer($0) } ?? .null,
                "response_headers": headers(outcome.headers),
                "response_body": outcome.body.map { .string($0) } ?? .null,
                "duration_ms": .number(FixedPoint.three(outcome.durationMilliseconds)),
                "error": outcome.errorCode.map { .integer($0) } ?? .null,
                "error_text": outcome.errorText.map { .string($0) } ?? .null,
                "transport_error": outcome.transportError.map { .string($0) } ?? .null,
                "duplicate": .bool(outcome.duplicate),
            ])
    }

    public static func csvRow(_ entry: RecordedAttempt) -> [String] {
        let attempt = entry.attempt
        let outcome = entry.outcome?.outcome
        return [
            "\(entry.id)", entry.at, attempt.by.user, attempt.by.host, attempt.environment, attempt.requestName,
            attempt.identity.trigger ?? "", attempt.identity.recipient, outcome?.result.rawValue ?? "unknown",
            outcome?.httpStatus.map(String.init) ?? "", outcome?.errorText ?? outcome?.transportError ?? "",
            outcome.map { FixedPoint.three($0.durationMilliseconds) } ?? "", attempt.requestID,
            "\(attempt.runID)", "\(attempt.tryNumber)",
        ]
    }

    /// A CSV field per RFC 4180: quoted when it holds a comma, a quote or a line break.
    public static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
