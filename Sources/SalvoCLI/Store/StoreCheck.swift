import ArgumentParser

/// `salvo store check`.
struct StoreCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Run SQLite's integrity and foreign-key checks on the store (exit 4 on damage)."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = CommandContext(global)
        let problems = try await context.withStore { store in try await store.check() }
        guard problems.isEmpty else {
            problems.forEach(context.console.out)
            throw CommandError("the store \(context.storePath) has \(problems.count) problem(s)", status: .store)
        }
        context.console.out("ok: \(context.storePath) passed the integrity and foreign-key checks")
    }
}
