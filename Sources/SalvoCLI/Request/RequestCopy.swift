import ArgumentParser

/// `salvo request copy SRC DST`.
struct RequestCopy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy", abstract: "Save a copy of a request under a new name.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request to copy.") var source: String
    @Argument(help: "The copy's name.") var name: String

    func run() throws {
        let context = CommandContext(global)
        try context.withStore { store in try store.copyRequest(source, to: name) }
        context.console.note("copied request '\(source)' to '\(name)'")
    }
}
