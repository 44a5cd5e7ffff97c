import ArgumentParser
import Foundation
import SalvoCore
import SalvoRunner
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

            --follow prints the last --limit launches oldest first, then each new one
            once its answer is recorded, until Ctrl-C (exit 0); with --json, one JSON
            object per line.
            """,
        subcommands: [HistoryShow.self]
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: HistoryFilterOptions
    @Option(help: ArgumentHelp("At most this many launches.", valueName: "n")) var limit = 50
    @Flag(help: "Keep printing launches as their answers are recorded, until Ctrl-C.") var follow = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be a positive number") }
    }

    func run() async throws {
        let context = CommandContext(global)
        if follow { return try await followed(context) }
        // One row past the limit says whether more launches match.
        let filter = try filters.filter(limit: min(limit, Int.max - 1) + 1)
        var lines = try await context.withStore { store in try await store.history(filter) }
        let more = lines.count > limit
        if more { lines.removeLast() }
        if output.json {
            context.console.out(JSONValue.array(lines.map(\.launchJSON.json)).pretty)
        } else if lines.isEmpty {
            context.console.note("no launches recorded that match")
        } else {
            context.console.out(
                Table(headers: HistoryView.headers, rows: lines.map(HistoryView.row)).render(console: context.console))
        }
        if more, !output.json {
            context.console.note("more launches match: --limit N shows more, --since or a filter fewer")
        }
    }

    /// `--follow`: lines as launches are answered, until Ctrl-C.
    private func followed(_ context: CommandContext) async throws {
        let filter = try filters.filter(limit: limit)
        try await context.withStore { store in
            let follow = HistoryFollow(context: context.runner(store), filter: filter)
            let task = Task {
                if !output.json { context.console.out(HistoryView.followHeader) }
                try await follow.follow(every: .milliseconds(500)) { lines in
                    for line in lines {
                        context.console.out(output.json ? line.launchJSON.json.compact : HistoryView.followLine(line))
                    }
                }
            }
            let interrupts = InterruptHandler(onFirst: { task.cancel() }, onSecond: { _exit(130) })
            defer { interrupts.cancel() }
            do {
                try await task.value
            } catch is CancellationError {
                return
            }
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

    /// `--follow`'s columns: fixed widths, as lines come one at a time.
    static let followWidths = [8, 24, 16, 10, 28, 9, 4, 6]

    static var followHeader: String { fixed(headers) }

    static func followLine(_ line: HistoryLine) -> String { fixed(row(line).map(Table.shown)) }

    /// Cells padded or cut to `followWidths` (the last one as it is), two spaces apart.
    private static func fixed(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            guard index < followWidths.count else { return cell }
            let width = followWidths[index]
            return cell.count > width
                ? cell.prefix(width - 1) + "…" : cell.padding(toLength: width, withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }

    static func recipient(_ identity: LaunchIdentity) -> String {
        switch identity.recipientKind {
        case "body": "(body)"
        case "query": "query " + identity.recipient.prefix(40)
        default: identity.recipient
        }
    }
}
