import ArgumentParser

/// `salvo export`: the ledger and launches in formats other tools read.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export the ledger, or a launch as a curl command.",
        subcommands: [ExportHistory.self, ExportCurl.self])
}

/// Where an export goes: stdout, or `--out FILE`.
struct ExportOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file")) var out: String?

    func open() throws -> ReportFile {
        try out.map { try ReportFile(path: $0) } ?? ReportFile()
    }
}
