import ArgumentParser
import Foundation
import SalvoCore
import SalvoRunner

/// `salvo send NAME`: launch one saved request and record it in the ledger.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Launch one saved request and record what was sent and what came back.",
        discussion: """
            The attempt is committed to the ledger before the request leaves, and the
            answer after. A launch identical to one that succeeded within the
            environment's guard window is skipped unless --force: by default the same
            environment, method and body (the token aside); with an environment's
            --guard-rule recipient, the same trigger and recipient whatever the
            content. The skip names the rule and the launch it matched.

            Results: ok (2xx and "error": 0, exit 0); rejected (any other complete
            answer, exit 1); not sent (no connection: nothing left, exit 3); unknown
            (it may have left but no complete answer came, exit 3).

            Examples:
              salvo send welcome
              salvo send promo --env staging --var name=Ann --var phone=+79000000000
              salvo send welcome --dry-run
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request's name.", completion: NameCompletion.requests) var name: String
    @Option(
        help: ArgumentHelp("The environment (default: the request's, else the default one).", valueName: "name"),
        completion: NameCompletion.environments)
    var env: String?
    @Option(name: .customLong("var"), help: ArgumentHelp("A template variable (repeatable).", valueName: "key=value"))
    var variables: [String] = []
    @OptionGroup var launch: LaunchOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let overrides = try FlagParsing.variables(variables)
        let status = try await context.withStore { store -> ExitStatus in
            let service = SendService(context: context.runner(store))
            let ready = try await service.prepare(name, environment: env, variables: overrides)
            if launch.dryRun {
                print(dryRun: ready, fingerprinter: store.fingerprinter, console: context.console)
                return .success
            }
            let sent = try await service.send(ready, force: launch.force, timeoutSeconds: launch.timeout)
            return LaunchReportView(sent).print(context.console, json: output.json)
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    private func print(dryRun ready: ReadyLaunch, fingerprinter: TokenFingerprinter, console: Console) {
        let (launch, mask) = ready.preview(fingerprinter: fingerprinter)
        if output.json {
            console.out(
                JSONValue.object([
                    .init("url", .string(launch.url)),
                    .init("headers", .object(launch.headers.map { .init($0.name, .string($0.value)) })),
                    .init("body", launch.body), .init("curl", .string(CurlCommand.render(launch, mask: mask))),
                ]).pretty)
            return
        }
        var lines = ["POST \(launch.url)"] + launch.headers.map { "\($0.name): \($0.value)" }
        lines += ["", launch.body.pretty, "", "# the same with curl (export SALVO_TOKEN first):"]
        lines.append(CurlCommand.render(launch, mask: mask))
        console.out(lines.joined(separator: "\n"))
        console.note("dry run: nothing was sent or recorded")
    }
}
