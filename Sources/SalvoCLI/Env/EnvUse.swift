import ArgumentParser

/// `salvo env use NAME`.
struct EnvUse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use", abstract: "Make an environment the default for requests that name none.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The environment's name.") var name: String

    func run() throws {
        let context = CommandContext(global)
        try context.withStore { store in try store.useEnvironment(named: name) }
        context.console.note("'\(name)' is the default environment")
    }
}
