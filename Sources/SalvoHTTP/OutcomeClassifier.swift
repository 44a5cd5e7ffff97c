import SalvoCore

/// Classifies an exchange by the platform's rules: ok only when the status is 2xx and the body's `error` is 0.
/// A 2xx whose body is not the platform's envelope (truncated, an HTML page, no `error` code) is `unknown`, not
/// rejected: the platform took the request and may have launched it, so only a retry with its Request-ID can say.
public enum OutcomeClassifier {
    /// The outcome to record; `mask` hides any echo of the token in what the server sent back.
    public static func outcome(of exchange: Exchange, mask: (String) -> String) -> LaunchOutcome {
        switch exchange {
        case .failed(let failure, let milliseconds):
            return LaunchOutcome(
                result: failure.phase == .notSent ? .notSent : .unknown, durationMilliseconds: milliseconds,
                transportError: failure.message)
        case .answered(let status, let headers, let bytes, let milliseconds):
            let text = String(decoding: bytes, as: UTF8.self)
            let masked = headers.map { PreparedLaunch.Header(name: $0.name, value: mask($0.value)) }
            let duplicate = headers.contains { header in
                ["duplicate-request", "x-duplicate-request"].contains(header.name.lowercased())
                    && header.value.lowercased() == "true"
            }
            let envelope = Envelope(text)
            let success = (200..<300).contains(status)
            let ok = success && envelope?.error == 0
            let unreadable = success && envelope?.error == nil
            var errorText = envelope?.errorText
            if envelope == nil {
                let type = headers.first { $0.name.lowercased() == "content-type" }?.value ?? "no content type"
                errorText = "HTTP \(status) with a body that is not the platform's JSON (\(type))"
            } else if envelope?.error == nil {
                errorText = errorText ?? "HTTP \(status) with no \"error\" code in the body"
            }
            return LaunchOutcome(
                result: ok ? .ok : unreadable ? .unknown : .rejected, httpStatus: status, headers: masked,
                body: mask(text),
                durationMilliseconds: milliseconds, errorCode: envelope?.error, errorText: errorText.map(mask),
                duplicate: duplicate)
        }
    }

    /// The platform's answer envelope: `{"error": 0, "error_text": "..."}` and whatever else beside it.
    struct Envelope {
        var error: Int?
        var errorText: String?

        init?(_ text: String) {
            guard let value = try? JSONParser.parse(text), value.members != nil else { return nil }
            if case .number(let code)? = value["error"] { error = Int(code) }
            errorText = value["error_text"]?.stringValue
        }
    }
}
