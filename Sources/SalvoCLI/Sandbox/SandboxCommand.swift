import ArgumentParser
import Foundation
import SalvoCore
import SalvoSandbox

/// `salvo sandbox`: an Altcraft-compatible server on this machine.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local server that answers like the Altcraft platform, to try collections safely.",
        discussion: """
            It answers campaigns/triggers/start (with or without the trailing slash),
            start_batch, start_batch_task, import_and_start, workflows/start and
            profiles/import, de-duplicates by Request-ID for a day, and keeps every
            request it received at GET /_sandbox/launches (DELETE clears it).
            Ctrl-C or SIGTERM stops it.

            Examples:
              salvo sandbox --env sandbox          # listen where environment 'sandbox' points
              salvo sandbox --port 0 --token t1    # any free port, one accepted token
              salvo sandbox --latency 200 --fail-rate 0.1 --throttle-rate 0.05
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(
        help: ArgumentHelp("Listen where this environment's base URL points, accepting its token.", valueName: "name"),
        completion: NameCompletion.environments)
    var env: String?
    @Option(help: ArgumentHelp("The address to listen on.", valueName: "host")) var host = "127.0.0.1"
    @Option(help: ArgumentHelp("The port (0 picks a free one; default 8787).", valueName: "port")) var port: Int?
    @Option(
        name: .customLong("token"),
        help: ArgumentHelp("An accepted API token (repeatable; default: a new one, printed).", valueName: "token"))
    var tokens: [String] = []
    @Option(help: ArgumentHelp("The trigger ids that exist, e.g. 1,5,7 (default: any).", valueName: "ids"))
    var triggers: String?
    @Option(help: ArgumentHelp("Milliseconds to wait before each answer.", valueName: "ms")) var latency = 0
    @Option(help: ArgumentHelp("Share of requests answered 503 (or an HTML 502 page), 0 to 1.", valueName: "p"))
    var failRate = 0.0
    @Option(help: ArgumentHelp("Share of requests answered 429 with Retry-After, 0 to 1.", valueName: "p"))
    var throttleRate = 0.0
    @Option(
        help: ArgumentHelp(
            "Share of connections closed without an answer (after the launch is processed), 0 to 1.", valueName: "p"))
    var resetRate = 0.0
    @Flag(help: "Answer failures with an HTML 502 page instead of JSON.") var htmlErrors = false
    @Option(help: ArgumentHelp("Seconds in Retry-After of a 429.", valueName: "s")) var retryAfter = 1
    @Option(
        help: ArgumentHelp(
            "HTTP status of error answers: mirror (the envelope's code) or 200.", valueName: "mirror|200"))
    var errorStatus = "mirror"
    @Option(help: ArgumentHelp("Seed for the misbehaviour's random choices, to replay a run.", valueName: "n"))
    var seed: UInt64?

    func validate() throws {
        for (flag, rate) in [("--fail-rate", failRate), ("--throttle-rate", throttleRate), ("--reset-rate", resetRate)]
        where !(0...1).contains(rate) {
            throw ValidationError("\(flag) must be between 0 and 1")
        }
        guard SandboxConfiguration.ErrorStatus(rawValue: errorStatus) != nil else {
            throw ValidationError("--error-status must be mirror or 200")
        }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        guard latency >= 0, retryAfter >= 0 else {
            throw ValidationError("--latency and --retry-after cannot be negative")
        }
    }

    func run() async throws {
        let context = CommandContext(global)
        var configuration = SandboxConfiguration(tokens: tokens)
        configuration.host = host
        configuration.port = port ?? 8787
        if let env {
            try await context.withStore { store in
                let environment = try await store.environment(named: env)
                guard let url = URLComponents(string: environment.baseURL), let host = url.host else { return }
                configuration.host = host
                configuration.port = port ?? url.port ?? 80
                configuration.tokens.append(try context.runner(store).token(of: environment))
            }
        }
        let generated: String? =
            configuration.tokens.isEmpty
            ? "sandbox-" + UUID().uuidString.lowercased().replacing("-", with: "").prefix(24) : nil
        if let generated { configuration.tokens = [generated] }
        if let triggers {
            configuration.triggers = Set(
                try triggers.split(separator: ",").map { part in
                    guard let id = Int(part.trimmingCharacters(in: .whitespaces)), id > 0 else {
                        throw InputError("--triggers '\(triggers)' must be positive integers separated by commas")
                    }
                    return id
                })
        }
        configuration.latencyMilliseconds = latency
        configuration.failRate = failRate
        configuration.throttleRate = throttleRate
        configuration.resetRate = resetRate
        configuration.htmlErrors = htmlErrors
        configuration.retryAfterSeconds = retryAfter
        configuration.errorStatus = SandboxConfiguration.ErrorStatus(rawValue: errorStatus) ?? .mirror
        configuration.seed = seed
        let console = context.console
        let host = configuration.host
        try await SandboxServer.run(configuration) { port in
            let url = SandboxServer.url(host: host, port: port)
            console.out("salvo sandbox listening on \(url)")
            if let generated { console.out("token \(generated)") }
            console.note("launch log: \(url)/_sandbox/launches; Ctrl-C stops the sandbox")
        }
        console.note("sandbox stopped")
    }
}
