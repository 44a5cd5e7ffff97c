import ArgumentParser

/// `salvo export`: the ledger and launches in formats other tools read.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the ledger, the collection, an environment, or a launch as a curl command.",
        subcommands: [ExportHistory.self, ExportCollection.self, ExportEnv.self, ExportCurl.self])
}

/// Where an export goes: stdout, or `--out FILE`.
struct ExportOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file")) var out: String?

    func open() throws -> ReportFile {
        try out.map { try ReportFile(path: $0) } ?? ReportFile()
    }

    /// Writes a whole document, saying on stderr what went to `--out`.
    func write(_ text: String, context: CommandContext, summary: String) throws {
        let file = try open()
        file.write(text)
        try file.close()
        if let out { context.console.note("exported \(summary) to \(out)") }
    }
}
