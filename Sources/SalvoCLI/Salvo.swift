import ArgumentParser
import SalvoCore

/// The `salvo` command: a headless collection runner for Altcraft trigger mailings, with a memory.
public struct Salvo: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "salvo",
        abstract: "Launch Altcraft trigger mailings from a saved collection, and remember every change and send.",
        discussion: """
            The store (environments, requests, audit trail) is one SQLite file:
            --store PATH, else $SALVO_STORE, else $XDG_DATA_HOME/salvo/salvo.db
            (~/.local/share/salvo/salvo.db).

            \(ExitStatus.help)
            """,
        version: SalvoVersion.current,
        subcommands: [
            EnvCommand.self, RequestCommand.self, Send.self, RunCommand.self, RunsCommand.self, ReportCommand.self,
            HistoryCommand.self,
            Replay.self, Diff.self, ExportCommand.self, ImportCommand.self,
            AuditCommand.self, StoreCommand.self,
            SandboxCommand.self, Quickstart.self,
        ]
    )

    public init() {}
}
