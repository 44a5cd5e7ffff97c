import ArgumentParser
import Foundation
import SalvoCore
import SalvoStore

/// `salvo export history`: the ledger for auditors and spreadsheets, streamed.
struct ExportHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Export ledger attempts with their outcomes as NDJSON, JSON, CSV or HAR (streamed, tokens masked).",
        discussion: """
            One record per attempt (a retried launch has several), oldest first.
            NDJSON and JSON carry everything: the request as sent and the response as
            received. CSV carries the main columns; HAR 1.2 opens in HAR viewers. The
            ledger never holds a token: it appears as <token fp:...>. With
            --include-secrets, the current token of each environment goes back where
            its fingerprint matches (a token since rotated stays masked).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case ndjson, json, csv, har
    }

    @OptionGroup var global: GlobalOptions
    @Option(help: "ndjson, json, csv or har.") var format: Format = .ndjson
    @OptionGroup var filters: HistoryFilterOptions
    @Option(help: ArgumentHelp("At most this many attempts.", valueName: "n")) var limit: Int?
    @Flag(help: "Put the tokens themselves back in place of their masks (and warn).") var includeSecrets = false
    @OptionGroup var output: ExportOutputOptions

    static let csvColumns = [
        "ledger_id", "at", "user", "host", "environment", "request", "trigger", "recipient", "result", "http_status",
        "error_text", "duration_ms", "request_id", "run", "try",
    ]

    func run() throws {
        let context = CommandContext(global)
        let filter = try filters.filter(limit: limit ?? Int.max)
        try context.withStore { store in
            let tokens = includeSecrets ? try tokensByFingerprint(store, context: context) : [:]
            let file = try output.open()
            var count = 0
            var masked = 0
            switch format {
            case .ndjson: break
            case .json: file.write("[")
            case .csv: file.write(Self.csvColumns.joined(separator: ",") + "\r\n")
            case .har: file.write(HistoryHAR.header())
            }
            try store.forEachAttempt(filter) { entry in
                var entry = entry
                if includeSecrets {
                    let (attempt, unresolved) = LaunchPlan.unmasking(entry.attempt, tokens: tokens)
                    entry.attempt = attempt
                    if unresolved { masked += 1 }
                }
                let separator = count == 0 ? "\n" : ",\n"
                switch format {
                case .ndjson: file.write(Self.json(entry).compact + "\n")
                case .json: file.write(separator + Self.json(entry).compact)
                case .csv: file.write(Self.csvRow(entry).map(Self.csvField).joined(separator: ",") + "\r\n")
                case .har: file.write(separator + HistoryHAR.entry(entry).compact)
                }
                count += 1
            }
            switch format {
            case .json: file.write(count == 0 ? "]\n" : "\n]\n")
            case .har: file.write(HistoryHAR.footer)
            case .ndjson, .csv: break
            }
            try file.close()
            if let out = output.out, out != "-" { context.console.note("exported \(count) attempt(s) to \(out)") }
            if includeSecrets {
                context.console.warn("the export holds API tokens: keep it out of shared places")
                if masked > 0 {
                    context.console.note(
                        "\(masked) attempt(s) were sent with a token no environment holds now: it stays masked there")
                }
            }
        }
    }

    /// The current token of every environment whose token can be had (stored, or set in its variable), by
    /// fingerprint.
    private func tokensByFingerprint(_ store: Store, context: CommandContext) throws -> [String: String] {
        let service = LaunchService(store: store, context: context)
        var tokens: [String: String] = [:]
        for environment in try store.environments() {
            guard let token = try? service.token(of: environment) else { continue }
            tokens[store.fingerprinter.fingerprint(token)] = token
        }
        return tokens
    }

    static func json(_ entry: ExportedAttempt) -> JSONValue {
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
        guard let (id, at, outcome) = entry.outcome else { return json.setting("outcome", to: .null) }
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

    static func csvRow(_ entry: ExportedAttempt) -> [String] {
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
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
