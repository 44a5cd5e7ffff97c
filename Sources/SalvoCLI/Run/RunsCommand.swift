import ArgumentParser
import SalvoCore
import SalvoStorage

/// `salvo runs`: sends and runs, newest first, with their counts.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List runs (a send is a run of one launch), newest first.",
        subcommands: [RunsShow.self])

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("At most this many runs.", valueName: "n")) var limit = 20
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be a positive number") }
    }

    func run() async throws {
        let context = CommandContext(global)
        let runs = try await context.withStore { store in try await store.runs(limit: limit) }
        if output.json {
            context.console.out(JSONValue.array(runs.map(RunView.json)).pretty)
        } else if runs.isEmpty {
            context.console.note("no runs yet; `salvo send NAME` or `salvo run` starts one")
        } else {
            context.console.out(
                Table(headers: RunView.headers, rows: runs.map(RunView.row)).render(console: context.console))
        }
    }
}

/// `salvo runs show RUN`.
struct RunsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one run: settings and counts.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run's id.") var id: Int64
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let info = try await context.withStore { store in try await store.run(id: id) }
        if output.json {
            context.console.out(RunView.json(info).pretty)
            return
        }
        context.console.out(
            [
                "run       \(info.id) (\(info.kind.rawValue)), \(info.state.rawValue)",
                "started   \(info.startedAt) by \(info.by.user)@\(info.by.host)",
                "finished  \(info.finishedAt ?? "-")",
                "env       \(info.environment)",
                "selection \(info.selection.compact)",
                "settings  \(info.settings.compact)",
                "data      \(info.dataFile.map { "\($0) (sha256 \(info.dataSHA256 ?? "?"))" } ?? "-")",
                "launches  \(RunView.counts(info))",
            ].joined(separator: "\n"))
    }
}

/// How runs are shown.
enum RunView {
    static let headers = ["RUN", "KIND", "STARTED", "STATE", "ENV", "LAUNCHES", "DATA"]

    static func row(_ run: RunInfo) -> [String] {
        [
            "\(run.id)", run.kind.rawValue, run.startedAt, run.state.rawValue, run.environment, counts(run),
            run.dataFile ?? "",
        ]
    }

    static func counts(_ run: RunInfo) -> String {
        LaunchResult.allCases.compactMap { result in
            run.counts[result].map { "\(result.rawValue) \($0)" }
        }.joined(separator: ", ")
    }

    static func json(_ run: RunInfo) -> JSONValue {
        [
            "id": .number(String(run.id)), "kind": .string(run.kind.rawValue), "started_at": .string(run.startedAt),
            "finished_at": run.finishedAt.map { .string($0) } ?? .null, "state": .string(run.state.rawValue),
            "environment": .string(run.environment), "selection": run.selection, "settings": run.settings,
            "data_file": run.dataFile.map { .string($0) } ?? .null,
            "data_sha256": run.dataSHA256.map { .string($0) } ?? .null, "user": .string(run.by.user),
            "host": .string(run.by.host),
            "counts": .object(LaunchResult.allCases.map { .init($0.rawValue, .integer(run.counts[$0] ?? 0)) }),
        ]
    }
}
