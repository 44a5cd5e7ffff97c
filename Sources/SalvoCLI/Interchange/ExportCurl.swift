import ArgumentParser
import SalvoCore
import SalvoRunner
import SalvoStorage

/// `salvo export curl NAME|ID`: a runnable curl command.
struct ExportCurl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curl",
        abstract: "Print a curl command for a saved request (rendered) or a past launch (exactly as sent).",
        discussion: """
            The token is read from "$SALVO_TOKEN" unless --include-secrets, which
            writes it into the command (and warns). A past launch keeps its
            Request-ID, so the platform answers it as the duplicate it is.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A request's name, or a ledger id.") var target: String
    @Option(help: ArgumentHelp("The environment for a saved request.", valueName: "name")) var env: String?
    @Option(name: .customLong("var"), help: ArgumentHelp("A template variable (repeatable).", valueName: "key=value"))
    var variables: [String] = []
    @Flag(help: "Write the token itself into the command.") var includeSecrets = false

    func run() async throws {
        let context = CommandContext(global)
        let overrides = try FlagParsing.variables(variables)
        let command = try await context.withStore { store -> String in
            let runner = context.runner(store)
            if let id = Int64(target), target.allSatisfy(\.isNumber) {
                let recorded = try await store.launch(id: id).attempts.last!.attempt
                let launch = PreparedLaunch(
                    url: recorded.url, headers: recorded.headers, body: (try? JSONParser.parse(recorded.body)) ?? .null)
                let token =
                    includeSecrets
                    ? try runner.token(of: try await store.environment(named: recorded.environment)) : nil
                return CurlCommand.render(
                    launch, mask: "<token \(recorded.tokenFingerprint)>", keepRequestID: true, token: token)
            }
            let ready = try await SendService(context: runner).prepare(target, environment: env, variables: overrides)
            let mask = LaunchBuilder.tokenMask(ready.environment.token, fingerprinter: store.fingerprinter)
            let launch = LaunchBuilder.prepare(
                body: ready.body, method: ready.request.method, environment: ready.environment, token: mask)
            return CurlCommand.render(launch, mask: mask, token: includeSecrets ? ready.token : nil)
        }
        if includeSecrets { context.console.warn("the command holds the API token: keep it out of shared places") }
        context.console.out(command)
    }
}
