import ArgumentParser
import SalvoCore

/// `salvo env list`.
struct EnvList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List environments; * marks the default.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        try await context.withStore { store in
            let defaultName = try await store.defaultEnvironmentName()
            let views = try await store.environments().map {
                EnvironmentView(environment: $0, isDefault: $0.name == defaultName, fingerprinter: store.fingerprinter)
            }
            if output.json {
                context.console.out(JSONValue.array(views.map(\.json)).pretty)
            } else if views.isEmpty {
                context.console.note(
                    "no environments yet; add one with `salvo env add NAME --base-url URL --token-stdin`")
            } else {
                context.console.out(
                    Table(headers: EnvironmentView.headers, rows: views.map(\.row)).render(console: context.console))
            }
        }
    }
}
