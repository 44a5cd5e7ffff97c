import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStore

/// Launches saved requests: resolves the environment and token, renders the template, and hands the launch
/// to the `Launcher` inside a run of its own. The one service behind `send` and `quickstart`.
struct LaunchService {
    let store: Store
    let context: CommandContext

    /// A saved request made ready to launch.
    struct Ready {
        var request: LaunchRequest
        var environment: Environment
        var body: JSONValue
        var token: String
    }

    /// Everything a launch needs, checked before anything is recorded or sent.
    func prepare(_ name: String, environment override: String?, variables: [String: String]) throws -> Ready {
        let request = try store.request(named: name)
        guard let environmentName = try override ?? request.environment ?? store.defaultEnvironmentName() else {
            throw InputError(
                "request '\(name)' has no environment; give --env NAME or set a default with `salvo env use NAME`")
        }
        let environment = try store.environment(named: environmentName)
        let values = environment.variables.merging(variables) { _, new in new }
        let body = try LaunchBuilder.render(request, variables: values).body
        return Ready(request: request, environment: environment, body: body, token: try token(of: environment))
    }

    /// The environment's token: stored, or read now from its variable.
    func token(of environment: Environment) throws -> String {
        switch environment.token {
        case .stored(let token): return token
        case .variable(let variable):
            guard let token = context.environment[variable], !token.isEmpty else {
                throw InputError(
                    "environment '\(environment.name)' reads its token from $\(variable), which is not set; "
                        + "export it, or store one with `salvo env edit \(environment.name) --token-stdin`")
            }
            return token
        }
    }

    /// The plan for a ready launch in run `runID`, with a new Request-ID.
    func plan(_ ready: Ready, runID: Int64) -> LaunchPlan {
        LaunchPlan.make(
            request: ready.request, body: ready.body, environment: ready.environment, token: ready.token,
            fingerprinter: store.fingerprinter, runID: runID, requestID: UUID().uuidString.lowercased(),
            by: CommandContext.currentOperator())
    }

    /// Sends one ready launch as a run of its own and returns what came of it.
    func send(_ ready: Ready, force: Bool, timeout: Duration, client: AltcraftClient) async throws -> LaunchReportView {
        let start = RunStart(
            kind: .send, environment: ready.environment.name, selection: ["requests": [.string(ready.request.name)]],
            settings: ["timeout_seconds": .number("\(timeout.components.seconds)"), "force": .bool(force)])
        return try await launch(start, environment: ready.environment, force: force, timeout: timeout, client: client) {
            run in plan(ready, runID: run)
        }
    }

    /// Starts a run of one launch, plans it with the run's id, launches it (guard included unless `force`), and
    /// finishes the run.
    func launch(
        _ start: RunStart, environment: Environment, force: Bool, timeout: Duration, client: AltcraftClient,
        plan: (Int64) -> LaunchPlan
    ) async throws -> LaunchReportView {
        let run = try store.startRun(start)
        let launcher = Launcher(client: client, ledger: store)
        let guardSince = GuardWindow.since(environment.guardSeconds, force: force)
        let planned = plan(run)
        let report = try await launcher.launch(planned, timeout: timeout, guardSince: guardSince)
        try store.finishRun(run, state: report.outcome.result == .unknown ? .interrupted : .finished)
        return LaunchReportView(run: run, report: report, attempt: planned.attempt)
    }
}
