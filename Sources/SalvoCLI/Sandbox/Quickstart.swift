import ArgumentParser
import Foundation
import SalvoCore
import SalvoRunner
import SalvoSandbox
import SalvoStorage

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

    func run() async throws {
        let context = CommandContext(global)
        let console = context.console
        try await context.withStore(creating: true) { store in
            let token =
                await QuickstartTour(context: context.runner(store)).existingToken() ?? "quickstart-"
                + UUID().uuidString.lowercased().prefix(18)
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
              salvo report 1 --format html --out run-1.html   # a run's report, for a browser
              salvo env list; salvo request list; salvo audit log
            """)
    }

    private func tour(store: any Storage, sandbox: SandboxServer, token: String, context: CommandContext) async throws {
        let console = context.console
        let tour = QuickstartTour(context: context.runner(store))
        let name = QuickstartTour.environmentName
        console.note("sandbox listening on \(sandbox.url) (in this process, for the tour)")
        let done = try await tour.setUp(url: sandbox.url, token: token)
        console.note(
            done.addedEnvironment
                ? "added environment '\(name)' (guard off, so the tour can run again)"
                : "environment '\(name)' now points at \(sandbox.url)")
        for request in done.addedRequests {
            let view = RequestView(request: request)
            console.note("added request '\(request.name)': \(view.launches) to \(view.recipient)")
        }
        for request in QuickstartTour.requests {
            console.note("\n$ salvo send \(request.name) --env \(name)")
            console.out(LaunchReportView(try await tour.send(request)).text(console: console))
        }
        console.note("\n$ salvo history --env \(name) --limit 5")
        let lines = try await store.history(HistoryFilter(environment: name, limit: 5))
        console.out(Table(headers: HistoryView.headers, rows: lines.map(HistoryView.row)).render(console: console))
    }
}
