import ArgumentParser

/// `salvo store check`.
struct StoreCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Check the store: SQLite's integrity and foreign keys, and its schema against the migrations (exit 4 if not)."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = CommandContext(global)
        let problems = try await context.withStore { store in try await store.check() }
        guard problems.isEmpty else {
            problems.forEach(context.console.out)
            throw CommandError("the store \(context.storePath) has \(problems.count) problem(s)", status: .store)
        }
        context.console.out("ok: \(context.storePath) passed the integrity, foreign-key and schema checks")
    }
}
