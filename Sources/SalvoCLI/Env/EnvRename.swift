import ArgumentParser

/// `salvo env rename OLD NEW`.
struct EnvRename: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename", abstract: "Rename an environment; requests that use it follow.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The current name.", completion: NameCompletion.environments) var name: String
    @Argument(help: "The new name.") var newName: String

    func run() async throws {
        let context = CommandContext(global)
        try await context.withStore { store in try await store.renameEnvironment(name, to: newName) }
        context.console.note("renamed environment '\(name)' to '\(newName)'")
    }
}
