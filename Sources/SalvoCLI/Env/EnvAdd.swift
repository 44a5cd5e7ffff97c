import ArgumentParser
import SalvoCore

/// `salvo env add NAME --base-url URL --token-stdin`.
struct EnvAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an environment.",
        discussion: """
            The first environment becomes the default one (`salvo env use` changes it).

            Examples:
              printf %s "$ALTCRAFT_TOKEN" |
                  salvo env add prod --base-url https://example.com --token-stdin
              salvo env add staging --base-url https://staging.example.com \\
                  --token-env STAGING_TOKEN --auth bearer
              salvo env add local --base-url http://127.0.0.1:8787 --token-stdin \\
                  --var brand=Acme --guard 0
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The environment's name.") var name: String
    @OptionGroup var fields: EnvironmentOptions
    @OptionGroup var tokenOptions: TokenOptions

    func validate() throws {
        guard fields.baseURL != nil else {
            throw ValidationError("--base-url is required, e.g. --base-url https://example.com")
        }
        guard tokenOptions.isGiven else {
            throw ValidationError("give the token with --token-stdin (recommended), --token-env VAR or --token TOKEN")
        }
    }

    func run() async throws {
        let context = CommandContext(global)
        try Name.validate(name, as: "environment name")
        var environment = Environment(name: name, baseURL: "", token: .variable("UNSET"))
        try fields.apply(to: &environment)
        fields.warn(context.console)
        guard let token = try tokenOptions.source(context) else { return }
        environment.token = token
        try environment.validate()
        try await context.withStore(creating: true) { store in
            let becameDefault = try await store.addEnvironment(environment)
            context.console.note(
                "added environment '\(name)' (\(environment.baseURL))"
                    + (becameDefault ? "; it is the default environment" : ""))
        }
    }
}
