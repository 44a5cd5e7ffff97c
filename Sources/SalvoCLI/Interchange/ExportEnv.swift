import ArgumentParser
import SalvoCore
import SalvoStorage

/// `salvo export env NAME --format postman`: an environment for Postman.
struct ExportEnv: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Export an environment as a Postman environment (the token empty unless --include-secrets).",
        discussion: """
            base_url, token (a secret value) and the environment's variables.

            Example:
              salvo export env prod --format postman --out prod.postman_environment.json
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case postman
    }

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The environment's name.", completion: NameCompletion.environments) var name: String
    @Option(help: "postman.") var format: Format = .postman
    @Flag(help: "Write the token itself into the file (and warn).") var includeSecrets = false
    @OptionGroup var output: ExportOutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let document = try await context.withStore { store -> JSONValue in
            let environment = try await store.environment(named: name)
            let token =
                includeSecrets ? try context.runner(store).token(of: environment) : nil
            return PostmanEnvironment.document(environment, token: token)
        }
        if includeSecrets { context.console.warn("the file holds the API token: keep it out of shared places") }
        try output.write(document.pretty + "\n", context: context, summary: "environment \(name)")
    }
}
