import ArgumentParser

/// `salvo store`: the store file itself.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Inspect the store file.",
        subcommands: [StoreInfoCommand.self, StoreCheck.self])
}
