import ArgumentParser

/// `salvo request remove NAME`.
struct RequestRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a request from the collection.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request's name.", completion: NameCompletion.requests) var name: String

    func run() async throws {
        let context = CommandContext(global)
        try await context.withStore { store in try await store.removeRequest(named: name) }
        context.console.note("removed request '\(name)'")
    }
}
