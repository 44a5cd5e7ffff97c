import ArgumentParser
import Foundation
import SalvoCore
import SalvoHTTP
import SalvoSandbox
import SalvoStore

/// `salvo quickstart`: the whole loop on this machine, against an in-process sandbox.
struct Quickstart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quickstart",
        abstract: "Try the whole loop without a platform account: sandbox, environment, requests, sends, history.",
        discussion: """
            Starts a sandbox in this process, adds (or updates) an environment named
            'sandbox' and two requests from the Altcraft user guide, sends them, and
            shows the history. Safe to run again; it works on the default store or
            --store.
            """
    )

    @OptionGroup var global: GlobalOptions

    static let environmentName = "sandbox"
    static let requests = [
        LaunchRequest(
            name: "welcome", kind: .trigger, method: LaunchRequest.triggerMethod, folder: "quickstart",
            environment: environmentName, body: ["id": 1, "matching": "email", "email": "zaycev@example.com"]),
        LaunchRequest(
            name: "vk-catalog", kind: .trigger, method: LaunchRequest.triggerMethod, folder: "quickstart",
            environment: environmentName,
            body: ["id": 5, "matching": "custom", "field_name": "vk_id", "field_value": "123456"]),
    ]

    func run() async throws {
        let context = CommandContext(global)
        let console = context.console
        try await context.withStore(creating: true) { store in
            let token = try existingToken(store) ?? "quickstart-" + UUID().uuidString.lowercased().prefix(18)
            var configuration = SandboxConfiguration(tokens: [token])
            configuration.triggers = [1, 5]
            let sandbox: SandboxServer
            do {
                sandbox = try await SandboxServer.start(configuration)
            } catch {
                configuration.port = 0
                sandbox = try await SandboxServer.start(configuration)
            }
            do {
                try await tour(store: store, sandbox: sandbox, token: token, context: context)
                await sandbox.stop()
            } catch {
                await sandbox.stop()
                throw error
            }
        }
        let defaultStore = try? StoreLocation.resolve(explicit: nil, environment: context.environment)
        let storeHint =
            context.storePath == defaultStore ? "" : "\n  export SALVO_STORE=\(context.storePath)   # use this store"
        console.note(
            """

            Next, try:\(storeHint)
              salvo sandbox --env sandbox            # keep a sandbox running (in another terminal)
              salvo send welcome                     # launch again (see the ledger grow)
              salvo request show vk-catalog          # the launch as it is sent, token masked
              salvo history show 1                   # one launch in full
              salvo env list; salvo request list; salvo audit log
            """)
    }

    private func tour(store: Store, sandbox: SandboxServer, token: String, context: CommandContext) async throws {
        let console = context.console
        console.note("sandbox listening on \(sandbox.url) (in this process, for the tour)")
        if (try? store.environment(named: Self.environmentName)) == nil {
            try store.addEnvironment(
                Environment(name: Self.environmentName, baseURL: sandbox.url, token: .stored(token), guardSeconds: 0))
            console.note("added environment 'sandbox' (guard off, so the tour can run again)")
        } else {
            try store.updateEnvironment(named: Self.environmentName) { environment in
                environment.baseURL = sandbox.url
                environment.token = .stored(token)
            }
            console.note("environment 'sandbox' now points at \(sandbox.url)")
        }
        for request in Self.requests {
            if (try? store.request(named: request.name)) == nil {
                try store.addRequest(request)
                console.note(
                    "added request '\(request.name)': \(RequestView(request: request).launches) to \(RequestView(request: request).recipient)"
                )
            }
        }
        let service = LaunchService(store: store, context: context)
        for request in Self.requests {
            console.note("\n$ salvo send \(request.name) --env sandbox")
            let ready = try service.prepare(request.name, environment: Self.environmentName, variables: [:])
            let view = try await service.send(ready, force: false, timeout: 10)
            console.out(view.text(console: console))
        }
        console.note("\n$ salvo history --env sandbox --limit 5")
        let lines = try store.history(HistoryFilter(environment: Self.environmentName, limit: 5))
        console.out(Table(headers: HistoryView.headers, rows: lines.map(HistoryView.row)).render(console: console))
    }

    /// The token of an existing sandbox environment, kept so that earlier launches stay comparable.
    private func existingToken(_ store: Store) throws -> String? {
        guard let environment = try? store.environment(named: Self.environmentName),
            case .stored(let token) = environment.token
        else { return nil }
        return token
    }
}
