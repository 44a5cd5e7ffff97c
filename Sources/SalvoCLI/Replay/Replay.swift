import ArgumentParser
import Foundation
import SalvoCore
import SalvoRunner

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
    @Option(
        name: .customLong("run"), help: ArgumentHelp("Replay the launches of this run.", valueName: "run"),
        completion: NameCompletion.runs)
    var runID: Int64?
    @Flag(help: "With --run: only the launches rejected or not sent.") var failed = false
    @Flag(
        help:
            "With --run and --force: only the launches whose outcome is unknown, with new Request-IDs (they may be delivered twice)."
    )
    var unknown = false
    @Option(
        help: ArgumentHelp("Send it to this environment instead of the original one.", valueName: "name"),
        completion: NameCompletion.environments)
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
        let console = context.console
        let status = try await context.withStore { store -> ExitStatus in
            let service = ReplayService(context: context.runner(store))
            guard let runID else {
                if launch.dryRun {
                    let preview = try await service.previewLaunch(id!, environmentName: env, force: launch.force)
                    Self.printDryRun([preview.attempt], pretty: true, console: console)
                    if let hit = preview.skippedFor {
                        console.note("the guard would skip it: \(hit.reason); --force sends it")
                    }
                    return .success
                }
                let sent = try await service.replayLaunch(
                    id!, environmentName: env, timeoutSeconds: launch.timeout, force: launch.force)
                return LaunchReportView(sent).print(console, json: output.json)
            }
            let selection: ReplaySelection = unknown ? .unknown : failed ? .failed : .sent
            if launch.dryRun {
                let preview = try await service.previewRun(
                    runID, selection: selection, environmentName: env, reports: pace.reports)
                guard preview.count > 0 else {
                    console.out("run \(runID) has no \(selection.rawValue) launches: nothing to replay")
                    return .success
                }
                console.out("dry run: \(preview.count) launch(es) of run \(runID) would be replayed")
                Self.printDryRun(preview.attempts, pretty: false, console: console)
                return .success
            }
            return try await RunDrive.drive(pace: pace, console: console) { driving in
                let result = try await service.replayRun(
                    runID, selection: selection, environmentName: env, pace: pace.pace,
                    timeoutSeconds: launch.timeout, force: launch.force, driving: driving)
                if result == nil {
                    console.out("run \(runID) has no \(selection.rawValue) launches: nothing to replay")
                }
                return result
            }
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    private static func printDryRun(_ attempts: [LaunchAttempt], pretty: Bool, console: Console) {
        var lines: [String] = []
        for attempt in attempts {
            if pretty {
                lines += ["POST \(attempt.url)"] + attempt.headers.map { "\($0.name): \($0.value)" }
                lines += ["", (try? JSONParser.parse(attempt.body).pretty) ?? attempt.body]
            } else {
                lines += ["", "POST \(attempt.url)", attempt.body]
            }
        }
        console.out(lines.joined(separator: "\n"))
        console.note("dry run: nothing was sent or recorded")
    }
}
