import ArgumentParser

/// `salvo request rename OLD NEW`.
struct RequestRename: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rename", abstract: "Rename a request.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The current name.", completion: NameCompletion.requests) var name: String
    @Argument(help: "The new name.") var newName: String

    func run() async throws {
        let context = CommandContext(global)
        try await context.withStore { store in try await store.renameRequest(name, to: newName) }
        context.console.note("renamed request '\(name)' to '\(newName)'")
    }
}
