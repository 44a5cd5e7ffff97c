import ArgumentParser

/// `salvo env remove NAME [--force]`.
struct EnvRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove an environment.",
        discussion: "Refused while requests default to it; --force removes it and clears their default."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The environment's name.", completion: NameCompletion.environments) var name: String
    @Flag(help: "Remove it even if requests default to it, clearing their default.") var force = false

    func run() async throws {
        let context = CommandContext(global)
        let detached = try await context.withStore { store in
            try await store.removeEnvironment(named: name, force: force)
        }
        context.console.note("removed environment '\(name)'")
        if !detached.isEmpty {
            context.console.warn(
                "cleared the default environment of \(detached.count) request(s): \(detached.joined(separator: ", "))")
        }
    }
}
