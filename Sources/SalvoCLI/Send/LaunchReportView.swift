import SalvoCore
import SalvoRunner

/// How the outcome of one launch is shown, and the exit status it calls for.
struct LaunchReportView {
    let sent: SentLaunch

    init(_ sent: SentLaunch) {
        self.sent = sent
    }

    private var run: Int64 { sent.run }
    /// What was launched (its request, environment and recipient) and what came of it.
    private var launch: FinishedLaunch { sent.launch }

    /// Prints it (as JSON with `json`) and returns its exit status.
    func print(_ console: Console, json: Bool) -> ExitStatus {
        console.out(json ? self.json.pretty : text(console: console))
        return status
    }

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

    var json: JSONValue { sent.json.json }

    private var recipient: String {
        let identity = attempt.identity
        return identity.recipientKind == "body" ? attempt.method : "\(identity.recipientKind) \(identity.recipient)"
    }
}
