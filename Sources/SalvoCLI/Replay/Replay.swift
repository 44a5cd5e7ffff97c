import ArgumentParser
import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStore

/// `salvo replay ID`: launch a past launch again, on purpose.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Launch a past launch, or a past run's launches, again: the same bodies, new Request-IDs.",
        discussion: """
            The body is the one recorded for the launch's last attempt, with the
            current token of its environment (or of --env) in place of the mask.
            The guard applies unless --force. The new entry records what it replays.
            With --run, the run's launches go again as a new run, at the runner's
            pace: all that had an answer (ok and rejected) and those not sent, or
            --failed: only rejected and not sent. Unknown launches may have been
            delivered: `salvo run --resume RUN` re-sends them with their Request-ID,
            so the platform drops a duplicate; a replay gives them new Request-IDs,
            so it takes --unknown --force, and the platform may deliver them twice.

            Examples:
              salvo replay 42
              salvo replay 42 --env staging --dry-run
              salvo replay --run 7 --failed --concurrency 4 --report junit=replay.xml
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ledger id of the launch to replay (any of its entries).") var id: Int64?
    @Option(name: .customLong("run"), help: ArgumentHelp("Replay the launches of this run.", valueName: "run"))
    var runID: Int64?
    @Flag(help: "With --run: only the launches rejected or not sent.") var failed = false
    @Flag(
        help:
            "With --run and --force: only the launches whose outcome is unknown, with new Request-IDs (they may be delivered twice)."
    )
    var unknown = false
    @Option(help: ArgumentHelp("Send it to this environment instead of the original one.", valueName: "name"))
    var env: String?
    @OptionGroup var launch: LaunchOptions
    @OptionGroup(title: "With --run") var pace: RunPaceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (id == nil) != (runID == nil) else {
            throw ValidationError("give a ledger id, or --run RUN, but not both")
        }
        guard runID != nil || !(failed || unknown || pace.changesPace || !pace.reports.isEmpty) else {
            throw ValidationError("--failed, --unknown, pace and report flags go with --run")
        }
        guard !(failed && unknown) else { throw ValidationError("give --failed or --unknown, not both") }
        guard !unknown || launch.force else {
            throw ValidationError(
                "--unknown re-sends launches that may have been delivered, with new Request-IDs the platform cannot "
                    + "match: they may reach their recipients twice. `salvo run --resume RUN` re-sends them safely "
                    + "with their own Request-IDs; to replay them anyway, add --force")
        }
    }

    func run() async throws {
        let context = CommandContext(global)
        if let runID {
            let selection: RunReplay.Selection = unknown ? .unknown : failed ? .failed : .sent
            let status = try await context.withStore { store in
                try await RunReplay(store: store, context: context).execute(
                    run: runID, selection: selection, environmentName: env, launch: launch, pace: pace)
            }
            if status != .success { throw ExitCode(status.rawValue) }
            return
        }
        try await replayLaunch(id!, context: context)
    }

    /// The environment a replay goes to: `name`, which must exist; `given` says whether the user named it.
    static func environment(_ name: String, given: Bool, store: Store, original: String) throws -> Environment {
        guard let environment = try store.environments().first(where: { $0.name == name }) else {
            throw InputError(
                given
                    ? "environment '\(name)' not found; `salvo env list` shows the ones you have"
                    : "\(original) went to environment '\(name)', which no longer exists; give --env NAME")
        }
        return environment
    }

    private func replayLaunch(_ id: Int64, context: CommandContext) async throws {
        let view = try await context.withStore { store -> LaunchReportView? in
            let detail = try store.launch(id: id)
            guard let recorded = detail.attempts.last?.attempt else {
                throw InputError("ledger entry #\(id) has no attempt to replay")
            }
            let environment =
                try recorded.environmentUID.flatMap { env == nil ? try store.environment(uid: $0) : nil }
                ?? Self.environment(
                    env ?? recorded.environment, given: env != nil, store: store, original: "launch #\(detail.line.id)")
            let service = LaunchService(store: store, context: context)
            let token = try service.token(of: environment)
            var record = RunRecord()
            record.timeoutSeconds = launch.timeout
            record.force = launch.force
            let start = RunStart(
                kind: .replay, environment: environment.name,
                selection: ["replay_of": .number(String(detail.line.id)), "request": .string(recorded.requestName)],
                settings: record.settings)
            func plan(_ run: Int64) -> LaunchPlan {
                LaunchPlan.replaying(
                    recorded, replayOf: detail.attempts.last!.id, environment: environment, token: token,
                    fingerprinter: store.fingerprinter, runID: run, requestID: UUID().uuidString.lowercased(),
                    by: CommandContext.currentOperator())
            }
            if launch.dryRun {
                let preview = plan(0)
                var lines = ["POST \(preview.attempt.url)"] + preview.attempt.headers.map { "\($0.name): \($0.value)" }
                lines += ["", (try? JSONParser.parse(preview.attempt.body).pretty) ?? preview.attempt.body]
                context.console.out(lines.joined(separator: "\n"))
                context.console.note("dry run: nothing was sent or recorded")
                return nil
            }
            return try await service.launch(
                start, settings: RunSettings(record), environment: environment, force: launch.force, plan: plan)
        }
        guard let view else { return }
        context.console.out(output.json ? view.json.pretty : view.text(console: context.console))
        if view.status != .success { throw ExitCode(view.status.rawValue) }
    }
}
