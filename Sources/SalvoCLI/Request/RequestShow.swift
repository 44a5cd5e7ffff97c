import ArgumentParser
import SalvoCore

/// `salvo request show NAME`: the launch as it would be sent, token masked.
struct RequestShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a request as it would be sent, with the token masked.",
        discussion: "Variables without a value stay as {{name}} and are listed; nothing is sent."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request's name.", completion: NameCompletion.requests) var name: String
    @Option(
        help: ArgumentHelp("Render with this environment instead of the request's default.", valueName: "name"),
        completion: NameCompletion.environments)
    var env: String?
    @Option(name: .customLong("var"), help: ArgumentHelp("A template variable (repeatable).", valueName: "key=value"))
    var variables: [String] = []
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let overrides = try FlagParsing.variables(variables)
        try await context.withStore { store in
            let request = try await store.request(named: name)
            var environmentName = env ?? request.environment
            if environmentName == nil { environmentName = try await store.defaultEnvironmentName() }
            let environment = try await environmentName.asyncMap { try await store.environment(named: $0) }
            let values = (environment?.variables ?? [:]).merging(overrides) { _, new in new }
            let rendered = try LaunchBuilder.render(request, variables: values, partial: true)
            let launch = environment.map { environment in
                LaunchBuilder.prepare(
                    body: rendered.body, method: request.method, environment: environment,
                    token: LaunchBuilder.tokenMask(environment.token, fingerprinter: store.fingerprinter))
            }
            if output.json {
                var json = RequestDocument.json(request)
                json = json.setting("launch", to: launch.map(Self.json) ?? .null)
                json = json.setting("unresolved", to: .array(rendered.unresolved.map { .string($0) }))
                context.console.out(json.pretty)
                return
            }
            var lines = [
                "request  \(request.name) (\(request.kind.rawValue)\(request.folder.isEmpty ? "" : ", folder \(request.folder)")"
                    + "\(request.tags.isEmpty ? "" : ", tags \(request.tags.joined(separator: ","))"))",
                "env      \(environmentName ?? "none: give --env, or set one with `salvo env use NAME`")",
            ]
            if let launch {
                lines.append("POST     \(launch.url)")
                lines += launch.headers.map { "header   \($0.name): \($0.value)" }
            }
            lines.append((launch?.body ?? rendered.body).pretty)
            context.console.out(lines.joined(separator: "\n"))
            if !rendered.unresolved.isEmpty {
                context.console.warn(
                    "no value yet for \(rendered.unresolved.map { "{{\($0)}}" }.joined(separator: ", ")); a launch needs them"
                )
            }
        }
    }

    private static func json(_ launch: PreparedLaunch) -> JSONValue {
        .object([
            .init("method", "POST"), .init("url", .string(launch.url)),
            .init("headers", .object(launch.headers.map { .init($0.name, .string($0.value)) })),
            .init("body", launch.body),
        ])
    }
}
