import SalvoCore
import SalvoHTTP

/// How the outcome of one launch is shown, and the exit status it calls for.
struct LaunchReportView {
    let run: Int64
    /// What was launched (its request, environment and recipient) and what came of it.
    let launch: FinishedLaunch

    private var attempt: LaunchAttempt { launch.attempt }

    var status: ExitStatus {
        switch launch.outcome.result {
        case .ok, .skipped: .success
        case .rejected: .rejected
        case .notSent, .unknown: .transport
        }
    }

    /// One readable block: the result line, then where it is recorded.
    func text(console: Console) -> String {
        let outcome = launch.outcome
        let milliseconds = "\(Int(outcome.durationMilliseconds.rounded())) ms"
        var first: String
        switch outcome.result {
        case .ok:
            first =
                console.paint("ok", .green, on: console.colourOut)
                + "        HTTP \(outcome.httpStatus ?? 0)  \(outcome.errorText ?? "")  \(milliseconds)"
        case .rejected:
            first =
                console.paint("rejected", .red, on: console.colourOut)
                + "  HTTP \(outcome.httpStatus ?? 0)  \(outcome.errorCode.map { "error \($0): " } ?? "")"
                + "\(outcome.errorText ?? "")  \(milliseconds)"
        case .notSent:
            first = console.paint("not sent", .red, on: console.colourOut) + "  \(outcome.transportError ?? "")"
        case .unknown:
            first = console.paint("unknown", .yellow, on: console.colourOut) + "   \(outcome.transportError ?? "")"
        case .skipped:
            let hit = launch.guardHit?.reason ?? ""
            first =
                console.paint("skipped", .yellow, on: console.colourOut)
                + "   \(hit), within the guard window of '\(attempt.environment)'; --force launches anyway"
        }
        if outcome.duplicate { first += "  (the platform had seen this Request-ID: not delivered again)" }
        var lines = [
            first,
            "launch    #\(launch.id) in run \(run): \(attempt.requestName) to \(attempt.environment)"
                + " (\(recipient))",
        ]
        if outcome.result == .unknown {
            lines.append(
                "          the launch may have gone out; `salvo history show \(launch.id)` has the details")
        }
        return lines.joined(separator: "\n")
    }

    var json: JSONValue {
        let outcome = launch.outcome
        return [
            "id": .number(String(launch.id)), "run": .number(String(run)), "request": .string(attempt.requestName),
            "environment": .string(attempt.environment), "recipient": .string(recipient),
            "result": .string(outcome.result.rawValue), "http_status": outcome.httpStatus.map { .integer($0) } ?? .null,
            "error": outcome.errorCode.map { .integer($0) } ?? .null,
            "error_text": outcome.errorText.map { .string($0) } ?? .null,
            "transport_error": outcome.transportError.map { .string($0) } ?? .null,
            "duration_ms": .number(FixedPoint.three(outcome.durationMilliseconds)),
            "duplicate": .bool(outcome.duplicate),
            "skipped_because_of": launch.guardHit.map { .number(String($0.ledgerID)) } ?? .null,
        ]
    }

    private var recipient: String {
        let identity = attempt.identity
        return identity.recipientKind == "body" ? attempt.method : "\(identity.recipientKind) \(identity.recipient)"
    }
}
