import ArgumentParser

/// `salvo env use NAME`.
struct EnvUse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use", abstract: "Make an environment the default for requests that name none.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The environment's name.", completion: NameCompletion.environments) var name: String

    func run() async throws {
        let context = CommandContext(global)
        try await context.withStore { store in try await store.useEnvironment(named: name) }
        context.console.note("'\(name)' is the default environment")
    }
}
