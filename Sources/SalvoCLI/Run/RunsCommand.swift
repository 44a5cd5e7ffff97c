import ArgumentParser
import Foundation
import SalvoCore
import SalvoRunner
import SalvoStorage

/// `salvo runs`: sends and runs, newest first, with their counts.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List runs (a send is a run of one launch), newest first.",
        subcommands: [RunsShow.self, RunsStop.self])

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("At most this many runs.", valueName: "n")) var limit = 20
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be a positive number") }
    }

    func run() async throws {
        let context = CommandContext(global)
        // One row past the limit says whether there are more runs.
        var runs = try await context.withStore { store in try await store.runs(limit: min(limit, Int.max - 1) + 1) }
        let more = runs.count > limit
        if more { runs.removeLast() }
        defer { if more, !output.json { context.console.note("more runs exist: --limit N shows more") } }
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
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: settings and counts; for a shared run, its chunks, runners and an ETA.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run's id.", completion: NameCompletion.runs) var id: Int64
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let (info, shared) = try await context.withStore { store in
            (try await store.run(id: id), try await (store as? any SharedRunStore)?.sharedProgress(run: id))
        }
        if output.json {
            var json = RunView.json(info)
            if let shared { json = json.setting("shared", to: SharedRunView.json(shared)) }
            context.console.out(json.pretty)
            return
        }
        context.console.out(
            ([
                "run       \(info.id) (\(info.kind.rawValue)), \(info.state.rawValue)",
                "started   \(info.startedAt) by \(info.by.user)@\(info.by.host)",
                "finished  \(info.finishedAt ?? "-")",
                "env       \(info.environment)",
                "selection \(info.selection.compact)",
                "settings  \(info.settings.compact)",
                "data      \(info.dataFile.map { "\(Self.shown(dataFile: $0)) (sha256 \(info.dataSHA256 ?? "?"))" } ?? "-")",
                "launches  \(RunView.counts(info))",
            ] + (shared.map { SharedRunView.lines($0, info: info, console: context.console) } ?? [])).joined(
                separator: "\n"))
    }

    /// A data file's path, said to be standard input's copy when it was one (removed once its run ended).
    static func shown(dataFile path: String) -> String {
        guard StandardInputCopy.isCopy(path) else { return path }
        return FileManager.default.fileExists(atPath: path)
            ? "standard input, kept at \(path) until the run ends" : "standard input (its copy went when the run ended)"
    }
}

/// `salvo runs stop RUN`.
struct RunsStop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a shared run on every machine: its runners stop dispatching, finish what is in flight, leave.",
        discussion: "`salvo run --resume RUN` finishes it later.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run's id.", completion: NameCompletion.runs) var id: Int64

    func run() async throws {
        let context = CommandContext(global)
        try await context.withStore { store in
            let info = try await store.run(id: id)
            guard let shared = store as? any SharedRunStore, try await shared.sharedRun(id) != nil else {
                throw InputError(
                    "run \(id) is not shared: only runs on a team store stop this way; Ctrl-C stops a run where it runs"
                )
            }
            guard try await shared.requestStop(run: id) else {
                throw InputError("run \(id) is not going (\(info.state.rawValue)); nothing to stop")
            }
            context.console.note(
                "run \(id): every runner stops dispatching within a second; `salvo run --resume \(id)` finishes it")
        }
    }
}

/// How a shared run's chunks and runners are shown.
enum SharedRunView {
    static func lines(_ shared: SharedRunProgress, info: RunInfo, console: Console) -> [String] {
        let chunks = shared.pending + shared.claimed + shared.done
        var lines = [
            "chunks    \(shared.done) done, \(shared.claimed) claimed, \(shared.pending) pending of \(chunks) "
                + "(\(shared.shape.chunkSize) launches each, lease \(Int(shared.shape.leaseSeconds)) s)"
                + (shared.shape.stopRequested ? "; stop requested" : "")
        ]
        let live = shared.runners.filter { $0.state == "live" }
        let rate = live.reduce(0.0) { $0 + ($1.seconds > 0 ? Double($1.launches) / $1.seconds : 0) }
        let launched = info.counts.values.reduce(0, +)
        if info.state == .running, rate > 0, launched < shared.shape.positions {
            lines.append(
                "eta       \(ProgressLine.duration(Double(shared.shape.positions - launched) / rate)) at \(Int(rate))/s"
            )
        }
        guard !shared.runners.isEmpty else { return lines }
        let rows = shared.runners.map { runner in
            [
                "\(runner.id)", runner.host, "\(runner.pid)", runner.state,
                runner.state == "live" ? String(format: "%.1f s", runner.heartbeatAge) : "-", "\(runner.launches)",
                runner.seconds > 0 ? String(format: "%.0f/s", Double(runner.launches) / runner.seconds) : "-",
                "\(runner.chunks)",
            ]
        }
        let table = Table(
            headers: ["RUNNER", "HOST", "PID", "STATE", "HEARTBEAT", "LAUNCHES", "RATE", "CHUNKS"], rows: rows)
        return lines + ["runners"] + table.render(console: console).split(separator: "\n").map { "  " + $0 }
    }

    static func json(_ shared: SharedRunProgress) -> JSONValue {
        [
            "chunk_size": .integer(shared.shape.chunkSize), "lease_seconds": .number(String(shared.shape.leaseSeconds)),
            "positions": .integer(shared.shape.positions), "staged": .bool(shared.shape.staged),
            "stop_requested": .bool(shared.shape.stopRequested),
            "chunks": [
                "pending": .integer(shared.pending), "claimed": .integer(shared.claimed), "done": .integer(shared.done),
            ],
            "runners": .array(
                shared.runners.map { runner in
                    [
                        "id": .number(String(runner.id)), "host": .string(runner.host), "pid": .integer(runner.pid),
                        "state": .string(runner.state),
                        "heartbeat_age_seconds": .number(String(format: "%.3f", runner.heartbeatAge)),
                        "launches": .integer(runner.launches), "chunks": .integer(runner.chunks),
                    ]
                }),
        ]
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
