/// HAR 1.2 for `export history --format har`: one entry per attempt, as HAR viewers show requests. salvo's
/// own fields (ledger id, result, Request-ID, run, try) go in `_salvo`, HAR's place for custom fields; an
/// attempt that got no answer has status 0 and its transport error in `response._error`.
public enum HistoryHAR {
    public static func header() -> String {
        #"{"log":{"version":"1.2","creator":{"name":"salvo","version":"\#(SalvoVersion.current)"},"entries":["#
    }

    public static let footer = "\n]}}\n"

    public static func entry(_ entry: RecordedAttempt) -> JSONValue {
        let attempt = entry.attempt
        let outcome = entry.outcome?.outcome
        func headers(_ list: [PreparedLaunch.Header]) -> JSONValue {
            .array(list.map { ["name": .string($0.name), "value": .string($0.value)] })
        }
        let duration = outcome.map { JSONValue.number(FixedPoint.three($0.durationMilliseconds)) } ?? 0
        let responseBody = outcome?.body ?? ""
        let mimeType =
            outcome?.headers.first { $0.name.lowercased() == "content-type" }?.value ?? "application/json"
        var response: JSONValue = [
            "status": .integer(outcome?.httpStatus ?? 0),
            "statusText": .string(HTTPReason.phrase(outcome?.httpStatus ?? 0)), "httpVersion": "HTTP/1.1",
            "cookies": [], "headers": headers(outcome?.headers ?? []),
            "content": [
                "size": .integer(responseBody.utf8.count), "mimeType": .string(mimeType),
                "text": .string(responseBody),
            ],
            "redirectURL": "", "headersSize": -1,
            "bodySize": outcome?.body == nil ? -1 : .integer(responseBody.utf8.count),
        ]
        if let error = outcome?.transportError { response = response.setting("_error", to: .string(error)) }
        return [
            "startedDateTime": .string(entry.at), "time": duration,
            "request": [
                "method": "POST", "url": .string(attempt.url), "httpVersion": "HTTP/1.1", "cookies": [],
                "headers": headers(attempt.headers), "queryString": [],
                "postData": ["mimeType": "application/json", "text": .string(attempt.body)],
                "headersSize": -1, "bodySize": .integer(attempt.body.utf8.count),
            ],
            "response": response, "cache": [:],
            "timings": ["send": 0, "wait": duration, "receive": 0],
            "_salvo": [
                "ledger_id": .number(String(entry.id)), "result": .string(outcome?.result.rawValue ?? "unknown"),
                "request_id": .string(attempt.requestID), "run": .number(String(attempt.runID)),
                "try": .integer(attempt.tryNumber), "request": .string(attempt.requestName),
                "environment": .string(attempt.environment), "recipient": .string(attempt.identity.recipient),
                "user": .string(attempt.by.user),
            ],
        ]
    }
}
