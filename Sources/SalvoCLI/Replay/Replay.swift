import ArgumentParser
import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStore

/// `salvo replay ID`: launch a past launch again, on purpose.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Launch a past launch again: exactly the body it sent, a new Request-ID, a new ledger entry.",
        discussion: """
            The body is the one recorded for the launch's last attempt, with the
            current token of its environment (or of --env) in place of the mask.
            The guard applies unless --force. The new entry records what it replays.

            Examples:
              salvo replay 42
              salvo replay 42 --env staging --dry-run
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ledger id of the launch to replay (any of its entries).") var id: Int64
    @Option(help: ArgumentHelp("Send it to this environment instead of the original one.", valueName: "name"))
    var env: String?
    @OptionGroup var launch: LaunchOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let view = try await context.withStore { store -> LaunchReportView? in
            let detail = try store.launch(id: id)
            guard let recorded = detail.attempts.last?.attempt else {
                throw InputError("ledger entry #\(id) has no attempt to replay")
            }
            let name = env ?? recorded.environment
            guard let environment = try store.environments().first(where: { $0.name == name }) else {
                throw InputError(
                    env == nil
                        ? "launch #\(detail.line.id) went to environment '\(name)', which no longer exists; give --env NAME"
                        : "environment '\(name)' not found; `salvo env list` shows the ones you have")
            }
            let service = LaunchService(store: store, context: context)
            let token = try service.token(of: environment)
            let start = RunStart(
                kind: .replay, environment: environment.name,
                selection: ["replay_of": .number(String(detail.line.id)), "request": .string(recorded.requestName)],
                settings: ["timeout_seconds": .number(String(launch.timeout)), "force": .bool(launch.force)])
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
            return try await AltcraftClient.using(environment) { client in
                try await service.launch(
                    start, environment: environment, force: launch.force, timeout: launch.duration,
                    client: client, plan: plan)
            }
        }
        guard let view else { return }
        context.console.out(output.json ? view.json.pretty : view.text(console: context.console))
        if view.status != .success { throw ExitCode(view.status.rawValue) }
    }
}
