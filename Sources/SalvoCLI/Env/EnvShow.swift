import ArgumentParser
import SalvoCore

/// `salvo env show NAME [--reveal]`.
struct EnvShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show an environment, its token masked as a fingerprint.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The environment's name.", completion: NameCompletion.environments) var name: String
    @Flag(help: "Print the token itself.") var reveal = false
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        try await context.withStore { store in
            let environment = try await store.environment(named: name)
            let view = EnvironmentView(
                environment: environment, isDefault: try await store.defaultEnvironmentName() == name,
                fingerprinter: store.fingerprinter)
            let token: String? =
                switch environment.token {
                case .stored(let token): token
                case .variable(let variable): context.environment[variable]
                }
            if output.json {
                var json = view.json
                if reveal { json = json.setting("token", to: token.map { .string($0) } ?? .null) }
                context.console.out(json.pretty)
            } else {
                let revealed = reveal ? (token ?? "(not set)") : nil
                context.console.out(
                    view.lines(revealed: revealed, processEnvironment: context.environment).joined(separator: "\n"))
            }
        }
    }
}
