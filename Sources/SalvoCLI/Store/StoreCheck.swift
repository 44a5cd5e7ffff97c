import ArgumentParser

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
        let (problems, notes) = try await context.withStore { store in
            (try await store.check(), try await store.serverNotes())
        }
        notes.forEach(context.console.out)
        guard problems.isEmpty else {
            problems.forEach(context.console.out)
            throw CommandError("the store \(context.storePath) has \(problems.count) problem(s)", status: .store)
        }
        context.console.out("ok: \(context.storePath) passed the integrity and schema checks")
    }
}
