import SalvoCore
import SalvoStorage

/// The formats of `export history`.
public enum HistoryExportFormat: String, CaseIterable, Sendable {
    case ndjson, json, csv, har
}

/// What an export wrote.
public struct HistoryExportSummary: Sendable {
    /// Attempts written.
    public var count = 0
    /// Attempts whose token could not be put back (`includeSecrets`): sent with a token no environment holds now.
    public var stillMasked = 0
}

/// Streams the ledger's attempts to a file in one of the export formats, in memory that does not grow with
/// the ledger.
public struct HistoryExport: Sendable {
    public let context: RunnerContext

    public init(context: RunnerContext) {
        self.context = context
    }

    /// Writes every attempt `filter` selects to `file` as `format`; with `includeSecrets`, the current token of
    /// each environment goes back where its fingerprint matches.
    public func write(
        _ filter: HistoryFilter, format: HistoryExportFormat, includeSecrets: Bool, to file: OutputFile
    ) async throws -> HistoryExportSummary {
        let tokens = includeSecrets ? try await tokensByFingerprint() : [:]
        var summary = HistoryExportSummary()
        switch format {
        case .ndjson: break
        case .json: file.write("[")
        case .csv: file.write(HistoryFormat.csvColumns.joined(separator: ",") + "\r\n")
        case .har: file.write(HistoryHAR.header())
        }
        try await context.store.forEachAttempt(filter) { entry in
            var entry = entry
            if includeSecrets {
                let (attempt, unresolved) = LaunchPlan.unmasking(entry.attempt, tokens: tokens)
                entry.attempt = attempt
                if unresolved { summary.stillMasked += 1 }
            }
            let separator = summary.count == 0 ? "\n" : ",\n"
            switch format {
            case .ndjson: file.write(HistoryFormat.json(entry).compact + "\n")
            case .json: file.write(separator + HistoryFormat.json(entry).compact)
            case .csv:
                file.write(HistoryFormat.csvRow(entry).map(HistoryFormat.csvField).joined(separator: ",") + "\r\n")
            case .har: file.write(separator + HistoryHAR.entry(entry).compact)
            }
            summary.count += 1
        }
        switch format {
        case .json: file.write(summary.count == 0 ? "]\n" : "\n]\n")
        case .har: file.write(HistoryHAR.footer)
        case .ndjson, .csv: break
        }
        try file.close()
        return summary
    }

    /// The current token of every environment whose token can be had (stored, or set in its variable), by
    /// fingerprint.
    func tokensByFingerprint() async throws -> [String: String] {
        var tokens: [String: String] = [:]
        for environment in try await context.store.environments() {
            guard let token = try? context.token(of: environment) else { continue }
            tokens[context.store.fingerprinter.fingerprint(token)] = token
        }
        return tokens
    }
}
