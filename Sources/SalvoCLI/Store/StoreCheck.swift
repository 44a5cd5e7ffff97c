import ArgumentParser
import SalvoSQLite
import SalvoStorage

/// `salvo store check`.
struct StoreCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Check the store: its integrity (SQLite's checks) and its schema against the migrations (exit 4 if not)."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = CommandContext(global)
        let problems: [String]
        let notes: [String]
        do {
            (problems, notes) = try await context.withStore { store in
                (try await store.check(), try await store.serverNotes())
            }
        } catch StoreError.corrupt(let path, _), StoreError.notADatabase(let path) {
            // Too damaged to open as a store: SQLite's own findings, read-only.
            SQLiteStore.findings(at: path).forEach(context.console.out)
            throw CommandError(
                "the store \(path) is damaged; restore it from a backup (the ledger's checkpoints tell which is "
                    + "intact: `salvo audit verify`)", status: .store)
        }
        notes.forEach(context.console.out)
        guard problems.isEmpty else {
            problems.forEach(context.console.out)
            throw CommandError("the store \(context.storePath) has \(problems.count) problem(s)", status: .store)
        }
        context.console.out("ok: \(context.storePath) passed the integrity and schema checks")
    }
}
