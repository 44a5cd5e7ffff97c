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
            #ID is a ledger id; a name of digits only is a saved request of that
            name when there is one, else a ledger id.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A request's name, or a ledger id (#42, or 42).", completion: NameCompletion.requests) var target:
        String
    @Option(
        help: ArgumentHelp("The environment for a saved request.", valueName: "name"),
        completion: NameCompletion.environments) var env: String?
    @Option(name: .customLong("var"), help: ArgumentHelp("A template variable (repeatable).", valueName: "key=value"))
    var variables: [String] = []
    @Flag(help: "Write the token itself into the command.") var includeSecrets = false

    func run() async throws {
        let context = CommandContext(global)
        let overrides = try FlagParsing.variables(variables)
        let command = try await context.withStore { store in
            try await CurlExport(context: context.runner(store)).command(
                for: target, environment: env, variables: overrides, includeSecrets: includeSecrets)
        }
        if includeSecrets { context.console.warn("the command holds the API token: keep it out of shared places") }
        context.console.out(command)
    }
}
