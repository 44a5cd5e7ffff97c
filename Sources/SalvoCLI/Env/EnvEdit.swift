import ArgumentParser
import SalvoCore

/// `salvo env edit NAME [flags]`.
struct EnvEdit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change an environment's base URL, token, auth, variables or guard window.",
        discussion: """
            Examples:
              salvo env edit prod --auth bearer
              printf %s "$NEW_TOKEN" | salvo env edit prod --token-stdin
              salvo env edit prod --var brand=Acme --unset-var old_brand --guard 12h
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The environment's name.", completion: NameCompletion.environments) var name: String
    @OptionGroup var fields: EnvironmentOptions
    @OptionGroup var tokenOptions: TokenOptions
    @Option(help: ArgumentHelp("Remove a template variable (repeatable).", valueName: "key")) var unsetVar: [String] =
        []

    func validate() throws {
        guard fields.isGiven || tokenOptions.isGiven || !unsetVar.isEmpty else {
            throw ValidationError(
                "nothing to change: give --base-url, --auth, --var, --unset-var, --guard, --guard-rule, --[no-]insecure, --[no-]trailing-slash or a token flag"
            )
        }
    }

    func run() async throws {
        let context = CommandContext(global)
        let token = try tokenOptions.source(context)
        try await context.withStore { store in
            let changed = try await store.updateEnvironment(named: name) { environment in
                try fields.apply(to: &environment)
                fields.warn(context.console)
                for key in unsetVar {
                    guard environment.variables.removeValue(forKey: key) != nil else {
                        throw InputError("--unset-var \(key): environment '\(name)' has no such variable")
                    }
                }
                if let token { environment.token = token }
            }
            context.console.note(changed == nil ? "environment '\(name)' unchanged" : "updated environment '\(name)'")
        }
    }
}
