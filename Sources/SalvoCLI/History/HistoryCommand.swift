import ArgumentParser
import Foundation
import SalvoCore
import SalvoStorage

/// `salvo history`: the ledger, one line per launch, newest first.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List launches from the ledger, newest first.",
        discussion: """
            --since and --until take a date (2026-11-29), a time (2026-11-29T08:00:00Z)
            or a duration back from now (24h, 7d). `salvo history show ID` shows one
            launch in full: every attempt as sent and every answer as received.
            """,
        subcommands: [HistoryShow.self]
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: HistoryFilterOptions
    @Option(help: ArgumentHelp("At most this many launches.", valueName: "n")) var limit = 50
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be a positive number") }
    }

    func run() async throws {
        let context = CommandContext(global)
        let filter = try filters.filter(limit: limit)
        let lines = try await context.withStore { store in try await store.history(filter) }
        if output.json {
            context.console.out(JSONValue.array(lines.map(\.launchJSON.json)).pretty)
        } else if lines.isEmpty {
            context.console.note("no launches recorded that match")
        } else {
            context.console.out(
                Table(headers: HistoryView.headers, rows: lines.map(HistoryView.row)).render(console: context.console))
        }
    }
}

/// How history lines are shown.
enum HistoryView {
    static let headers = ["ID", "AT", "REQUEST", "ENV", "RECIPIENT", "RESULT", "HTTP", "MS", "DETAIL"]

    static func row(_ line: HistoryLine) -> [String] {
        [
            "\(line.id)", line.at, line.requestName, line.environment, recipient(line.identity), line.result.rawValue,
            line.outcome?.httpStatus.map(String.init) ?? "",
            line.outcome.map { "\(Int($0.durationMilliseconds.rounded()))" } ?? "",
            (line.tries > 1 ? "\(line.tries) tries; " : "") + (line.detail.map { String($0.prefix(60)) } ?? ""),
        ]
    }

    static func recipient(_ identity: LaunchIdentity) -> String {
        switch identity.recipientKind {
        case "body": "(body)"
        case "query": "query " + identity.recipient.prefix(40)
        default: identity.recipient
        }
    }
}
