import ArgumentParser

/// `salvo request remove NAME`.
struct RequestRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a request from the collection.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request's name.") var name: String

    func run() throws {
        let context = CommandContext(global)
        try context.withStore { store in try store.removeRequest(named: name) }
        context.console.note("removed request '\(name)'")
    }
}
