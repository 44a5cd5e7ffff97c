import ArgumentParser
import SalvoCore
import SalvoStorage

/// `salvo history show ID`: one launch in full.
struct HistoryShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one launch: each attempt as sent and each answer as received.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ledger id of the launch (any of its entries).") var id: Int64
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let detail = try await context.withStore { store in try await store.launch(id: id) }
        if output.json {
            context.console.out(json(detail).pretty)
            return
        }
        let line = detail.line
        var lines = [
            "launch    #\(line.id) (run \(line.runID)), \(line.result.rawValue)",
            "request   \(line.requestName) to \(line.environment), by \(line.by.user)@\(line.by.host)",
            "recipient \(line.identity.recipientKind) \(line.identity.recipient)",
            "Request-ID \(line.requestID)",
        ]
        for entry in detail.attempts {
            let attempt = entry.attempt
            lines += ["", "--- attempt #\(entry.id), try \(attempt.tryNumber), at \(entry.at)", "POST \(attempt.url)"]
            lines += attempt.headers.map { "\($0.name): \($0.value)" }
            lines += ["", (try? JSONParser.parse(attempt.body).pretty) ?? attempt.body]
            guard let recorded = entry.outcome else {
                lines += ["", "--- no outcome: the answer never came (unknown)"]
                continue
            }
            lines += [
                "",
                "--- outcome #\(recorded.id) at \(recorded.at): \(recorded.outcome.result.rawValue) in \(Int(recorded.outcome.durationMilliseconds.rounded())) ms",
            ]
            let outcome = recorded.outcome
            if let status = outcome.httpStatus { lines.append("HTTP \(status)") }
            lines += outcome.headers.map { "\($0.name): \($0.value)" }
            if let body = outcome.body { lines += ["", (try? JSONParser.parse(body).pretty) ?? body] }
            if let error = outcome.transportError { lines.append(error) }
        }
        context.console.out(lines.joined(separator: "\n"))
    }

    private func json(_ detail: LaunchDetail) -> JSONValue {
        let attempts: [JSONValue] = detail.attempts.map { entry in
            let attempt = entry.attempt
            var json: JSONValue = [
                "id": .number(String(entry.id)), "at": .string(entry.at), "try": .integer(attempt.tryNumber),
                "url": .string(attempt.url),
                "headers": .array(attempt.headers.map { [.string($0.name), .string($0.value)] }),
                "body": .string(attempt.body), "token_fingerprint": .string(attempt.tokenFingerprint),
            ]
            if let recorded = entry.outcome {
                let (id, at, outcome) = (recorded.id, recorded.at, recorded.outcome)
                json = json.setting(
                    "outcome",
                    to: [
                        "id": .number(String(id)), "at": .string(at), "result": .string(outcome.result.rawValue),
                        "http_status": outcome.httpStatus.map { .integer($0) } ?? .null,
                        "headers": .array(outcome.headers.map { [.string($0.name), .string($0.value)] }),
                        "body": outcome.body.map { .string($0) } ?? .null,
                        "error": outcome.errorCode.map { .integer($0) } ?? .null,
                        "error_text": outcome.errorText.map { .string($0) } ?? .null,
                        "transport_error": outcome.transportError.map { .string($0) } ?? .null,
                        "duplicate": .bool(outcome.duplicate),
                        "duration_ms": .number(FixedPoint.three(outcome.durationMilliseconds)),
                    ])
            } else {
                json = json.setting("outcome", to: .null)
            }
            return json
        }
        return detail.line.launchJSON.json.setting("attempts", to: .array(attempts))
    }
}
