import ArgumentParser
import Foundation
import SalvoCore
import SalvoRunner

/// `salvo export history`: the ledger for auditors and spreadsheets, streamed.
struct ExportHistory: AsyncParsableCommand {
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

    @OptionGroup var global: GlobalOptions
    @Option(help: "ndjson, json, csv or har.") var format: HistoryExportFormat = .ndjson
    @OptionGroup var filters: HistoryFilterOptions
    @Option(help: ArgumentHelp("At most this many attempts.", valueName: "n")) var limit: Int?
    @Flag(help: "Put the tokens themselves back in place of their masks (and warn).") var includeSecrets = false
    @OptionGroup var output: ExportOutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let filter = try filters.filter(limit: limit ?? Int.max)
        let target = try output.target(context)
        let summary = try await context.withStore { store in
            try await HistoryExport(context: context.runner(store)).write(
                filter, format: format, includeSecrets: includeSecrets,
                to: try target.open(standardOutput: context.console.outputFile))
        }
        if !target.isStandardOutput { context.console.note("exported \(summary.count) attempt(s) to \(target.path)") }
        if includeSecrets {
            context.console.warn("the export holds API tokens: keep it out of shared places")
            if summary.stillMasked > 0 {
                context.console.note(
                    "\(summary.stillMasked) attempt(s) were sent with a token no environment holds now: it stays "
                        + "masked there")
            }
        }
    }
}

extension HistoryExportFormat: ExpressibleByArgument {}
