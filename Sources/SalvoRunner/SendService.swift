import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStorage

/// A saved request made ready to launch: checked before anything is recorded or sent.
public struct ReadyLaunch: Sendable {
    public var request: LaunchRequest
    public var environment: Environment
    public var body: JSONValue
    public var token: String
    /// `--var` values, kept with the run so a resume renders the same launch.
    public var variables: [String: String]

    /// The launch as it would leave, with the token masked, for dry runs.
    public func preview(fingerprinter: TokenFingerprinter) -> (launch: PreparedLaunch, mask: String) {
        let mask = LaunchBuilder.tokenMask(environment.token, fingerprinter: fingerprinter)
        let launch = LaunchBuilder.prepare(
            body: body, method: request.method, environment: environment, token: mask,
            requestID: "(a new one when sent)")
        return (launch, mask)
    }
}

/// What one launch (a send, or a replay of one launch) came to.
public struct SentLaunch: Sendable {
    /// The run of one that holds it.
    public var run: Int64
    public var launch: FinishedLaunch
    /// When it was first tried, as the ledger recorded it.
    public var at: String

    /// The launch as scripts read it.
    public var json: LaunchJSON {
        var json = LaunchJSON(id: launch.id, attempt: launch.attempt, outcome: launch.outcome, at: at)
        json.skippedBecauseOf = launch.guardHit?.ledgerID
        return json
    }
}

/// Launches saved requests: resolves the environment and token, renders the template, and hands the launch to
/// the run engine as a run of its own (the guard, the ledger and the engine's one path). Behind `send`,
/// `replay ID` and `quickstart`.
public struct SendService: Sendable {
    public let context: RunnerContext

    public init(context: RunnerContext) {
        self.context = context
    }

    /// Everything a launch of request `name` needs, checked before anything is recorded or sent.
    public func prepare(_ name: String, environment override: String?, variables: [String: String]) async throws
        -> ReadyLaunch
    {
        let request = try await context.store.request(named: name)
        let environment = try await context.store.environment(
            named: try await context.environmentName(for: request, override: override))
        let values = environment.variables.merging(variables) { _, new in new }
        let body = try LaunchBuilder.render(request, variables: values).body
        return ReadyLaunch(
            request: request, environment: environment, body: body, token: try context.token(of: environment),
            variables: variables)
    }

    /// Sends one ready launch as a run of one, recorded with what a resume needs (its variables, its timeout).
    public func send(_ ready: ReadyLaunch, force: Bool, timeoutSeconds: Double) async throws -> SentLaunch {
        let spec = RunPlanSpec(
            targets: [.init(request: ready.request, environment: ready.environment, token: ready.token)],
            variables: ready.variables, data: nil, iterations: 1)
        var settings = RunRecord()
        settings.timeoutSeconds = timeoutSeconds
        settings.force = force
        settings.planned = 1
        let record = spec.record(settings, fingerprinter: context.store.fingerprinter)
        let start = RunStart(kind: .send, environment: ready.environment.name, record: record)
        return try await launch(start, environment: ready.environment, force: force) { run in
            var plan = LaunchPlan.make(
                request: ready.request, body: ready.body, environment: ready.environment, token: ready.token,
                fingerprinter: context.store.fingerprinter, runID: run, requestID: context.newRequestID(),
                by: context.author)
            plan.attempt.iteration = 1
            plan.attempt.ordinal = 1
            return plan
        }
    }

    /// Starts a run of one launch, plans it with the run's id, launches it through the run engine (the guard
    /// included unless `force`), and finishes the run.
    func launch(
        _ start: RunStart, environment: Environment, force: Bool, plan: (Int64) -> LaunchPlan
    ) async throws -> SentLaunch {
        let store = context.store
        let run = try await store.startRun(start)
        let lock = try await store.lockRun(run)
        defer { lock.release() }
        let clients = AltcraftClients()
        let collector = LaunchCollector()
        let engine = RunEngine(
            clients: clients, ledger: store, settings: RunSettings(start.record), observer: collector)
        var pending: RunLaunch? = RunLaunch(
            plan: plan(run), resumed: false,
            duplicateGuard: DuplicateGuard.of(environment, force: force, now: context.clock()),
            environment: environment)
        let stop = try await engine.run {
            defer { pending = nil }
            return pending
        }
        await clients.shutdown()
        let finished = await collector.launch
        let unfinished = finished.map { [.unknown, .notSent].contains($0.outcome.result) } ?? true
        try await store.finishRun(run, state: unfinished ? .interrupted : .finished)
        if case .ledgerFailed(let failure) = stop {
            throw failure.storeError ?? StoreError.failed(path: store.location, detail: failure.message)
        }
        guard let finished else { throw RunnerError.stoppedBeforeLaunch(run: run) }
        return SentLaunch(run: run, launch: finished, at: try await store.launch(id: finished.id).line.at)
    }
}

/// Keeps the one launch of a send.
private actor LaunchCollector: RunObserver {
    private(set) var launch: FinishedLaunch?

    func finished(_ launch: FinishedLaunch) async {
        self.launch = launch
    }
}
