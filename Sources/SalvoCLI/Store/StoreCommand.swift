import ArgumentParser

/// `salvo store`: the store file itself.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Create, inspect and check the store (an SQLite file, or a PostgreSQL database).",
        subcommands: [StoreInit.self, StoreInfoCommand.self, StoreCheck.self, StoreCopyCommand.self])
}
