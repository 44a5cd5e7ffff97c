import ArgumentParser
import SalvoRunner

/// `salvo export`: the ledger and launches in formats other tools read.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the ledger, the collection, an environment, or a launch as a curl command.",
        subcommands: [ExportHistory.self, ExportCollection.self, ExportEnv.self, ExportCurl.self])
}

/// Where an export goes: stdout, or `--out FILE`.
struct ExportOutputOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Write to this file (created or truncated, as a shell's > does) instead of stdout; - is stdout.",
            valueName: "file"), completion: .file())
    var out: String?

    /// Where it goes, checked to be writable (before anything is read).
    func target(_ context: CommandContext) throws -> OutputPath {
        let path = OutputPath(path: out ?? "-")
        try path.check(flag: "--out ", sparing: context.storeFiles)
        return path
    }

    /// Writes a whole document, saying on stderr what went to `--out`.
    func write(_ text: String, context: CommandContext, summary: String) throws {
        let file = try target(context).open(standardOutput: context.console.outputFile)
        file.write(text)
        try file.close()
        if let out, out != "-" { context.console.note("exported \(summary) to \(out)") }
    }
}
