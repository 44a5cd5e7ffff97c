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
