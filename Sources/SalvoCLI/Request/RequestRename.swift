import ArgumentParser

/// `salvo request rename OLD NEW`.
struct RequestRename: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rename", abstract: "Rename a request.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The current name.") var name: String
    @Argument(help: "The new name.") var newName: String

    func run() throws {
        let context = CommandContext(global)
        try context.withStore { store in try store.renameRequest(name, to: newName) }
        context.console.note("renamed request '\(name)' to '\(newName)'")
    }
}
