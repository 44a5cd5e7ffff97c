import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStore

/// Launches saved requests: resolves the environment and token, renders the template, and hands the launch
/// to the run engine as a run of its own. The one service behind `send` and `quickstart`.
struct LaunchService {
    let store: Store
    let context: CommandContext

    /// A saved request made ready to launch.
    struct Ready {
        var request: LaunchRequest
        var environment: Environment
        var body: JSONValue
        var token: String
        /// `--var` values, kept with the run so a resume renders the same launch.
        var variables: [String: String]
    }

    /// Everything a launch needs, checked before anything is recorded or sent.
    func prepare(_ name: String, environment override: String?, variables: [String: String]) throws -> Ready {
        let request = try store.request(named: name)
        let environment = try store.environment(named: try environmentName(for: request, override: override))
        let values = environment.variables.merging(variables) { _, new in new }
        let body = try LaunchBuilder.render(request, variables: values).body
        return Ready(
            request: request, environment: environment, body: body, token: try token(of: environment),
            variables: variables)
    }

    /// Where a launch of `request` goes: `override` (`--env`), else the request's own environment, else the
    /// store's default.
    func environmentName(for request: LaunchRequest, override: String?) throws -> String {
        guard let name = try override ?? request.environment ?? store.defaultEnvironmentName() else {
            throw InputError(
                "request '\(request.name)' has no environment; give --env NAME or set a default with "
                    + "`salvo env use NAME`")
        }
        return name
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

    /// Sends one ready launch as a run of one, recorded with what a resume needs (its variables, its timeout).
    func send(_ ready: Ready, force: Bool, timeout: Double) async throws -> LaunchReportView {
        let spec = RunPlanSpec(
            targets: [.init(request: ready.request, environment: ready.environment, token: ready.token)],
            variables: ready.variables, data: nil, iterations: 1)
        var settings = RunRecord()
        settings.timeoutSeconds = timeout
        settings.force = force
        settings.planned = 1
        let record = spec.record(settings, fingerprinter: store.fingerprinter)
        let start = RunStart(
            kind: .send, environment: ready.environment.name, selection: record.selection, settings: record.settings)
        return try await launch(start, settings: RunSettings(record), environment: ready.environment, force: force) {
            run in
            var plan = LaunchPlan.make(
                request: ready.request, body: ready.body, environment: ready.environment, token: ready.token,
                fingerprinter: store.fingerprinter, runID: run, requestID: UUID().uuidString.lowercased(),
                by: CommandContext.currentOperator())
            plan.attempt.iteration = 1
            plan.attempt.ordinal = 1
            return plan
        }
    }

    /// Starts a run of one launch, plans it with the run's id, launches it through the run engine (the guard
    /// included unless `force`), and finishes the run.
    func launch(
        _ start: RunStart, settings: RunSettings, environment: Environment, force: Bool, plan: (Int64) -> LaunchPlan
    ) async throws -> LaunchReportView {
        let run = try store.startRun(start)
        let lock = try store.lockRun(run)
        defer { lock.release() }
        let clients = AltcraftClients()
        let collector = LaunchCollector()
        let engine = RunEngine(clients: clients, ledger: store, settings: settings, observer: collector)
        var pending: RunLaunch? = RunLaunch(
            plan: plan(run), resumed: false, duplicateGuard: DuplicateGuard.of(environment, force: force),
            environment: environment)
        let stop = try await engine.run {
            defer { pending = nil }
            return pending
        }
        await clients.shutdown()
        let finished = await collector.launch
        let unfinished = finished.map { [.unknown, .notSent].contains($0.outcome.result) } ?? true
        try store.finishRun(run, state: unfinished ? .interrupted : .finished)
        if case .ledgerFailed(let reason) = stop { throw StoreError.failed(path: store.path, detail: reason) }
        guard let finished else { throw CommandError("run \(run) stopped before its launch", status: .transport) }
        return LaunchReportView(run: run, launch: finished)
    }
}

/// Keeps the one launch of a send.
private actor LaunchCollector: RunObserver {
    private(set) var launch: FinishedLaunch?

    func finished(_ launch: FinishedLaunch) async {
        self.launch = launch
    }
}
