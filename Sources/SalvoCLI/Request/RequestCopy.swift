import ArgumentParser

/// `salvo request copy SRC DST`.
struct RequestCopy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy", abstract: "Save a copy of a request under a new name.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request to copy.", completion: NameCompletion.requests) var source: String
    @Argument(help: "The copy's name.") var name: String

    func run() async throws {
        let context = CommandContext(global)
        try await context.withStore { store in try await store.copyRequest(source, to: name) }
        context.console.note("copied request '\(source)' to '\(name)'")
    }
}
