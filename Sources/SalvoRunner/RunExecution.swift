import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStorage
import Synchronization

/// Stops a run from outside, such as on Ctrl-C: dispatching stops, the launches in flight finish and are
/// recorded. Safe to call from any thread, before the run starts or while it goes.
public final class RunControl: Sendable {
    private struct State {
        var engine: RunEngine?
        var stopped = false
        var run: Int64?
        var resumable = true
        var dispatching = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Stops the run.
    public func requestStop() {
        let engine = state.withLock { state in
            state.stopped = true
            return state.engine
        }
        engine?.requestStop()
    }

    /// The run being driven, once its launches are dispatched, and whether `salvo run --resume` can finish it.
    public var dispatching: (run: Int64, resumable: Bool)? {
        state.withLock { state in state.dispatching ? state.run.map { ($0, state.resumable) } : nil }
    }

    /// The run being driven once its launches began, dispatching or not, and whether `salvo run --resume` can
    /// finish it.
    public var started: (run: Int64, resumable: Bool)? {
        state.withLock { state in state.run.map { ($0, state.resumable) } }
    }

    func attach(_ engine: RunEngine, run: Int64, resumable: Bool) {
        let stopped = state.withLock { state in
            state.engine = engine
            state.run = run
            state.resumable = resumable
            state.dispatching = true
            return state.stopped
        }
        if stopped { engine.requestStop() }
    }

    /// Dispatching is over: what is left (the run's state, its reports) takes no time worth stopping for.
    func dispatched() {
        state.withLock { $0.dispatching = false }
    }
}

/// Shows a run's progress while it goes (the command line draws a line on stderr).
public protocol ProgressDisplay: Sendable {
    func start(_ tally: RunTally) async
    func stop() async
}

/// How a run, a resume or a run replay ended: what the summary says and the exit status is made of.
public struct RunResult: Sendable {
    public var run: Int64
    public var stop: RunStop
    /// What this invocation launched; nil when a resume found nothing left to send.
    public var summary: RunSummary?
    /// Every position's latest outcome, by result: for a resume, the whole run.
    public var counts: [LaunchResult: Int]
    /// Positions a resume found already final.
    public var alreadyFinal = 0
    /// Unknown launches a resume left alone: first tried too long ago for the platform to de-duplicate.
    public var stale = 0
    /// Whether `salvo run --resume` can finish it (a replay run cannot be resumed).
    public var resumable = true
    /// Whether every report was written.
    public var reportsWritten = true
    /// Runners of a shared run still launching it when this process left it (0: none, or not shared).
    public var goesOn = 0

    public var launches: Int { counts.values.reduce(0, +) }
    /// Launches unknown or not sent.
    public var unfinished: Int { (counts[.unknown] ?? 0) + (counts[.notSent] ?? 0) }
}

/// How a run is driven, beside its recorded settings: where its reports go, what shows its progress, and
/// what can stop it.
public struct RunDriving: Sendable {
    public var reports: [ReportTarget]
    public var progress: (any ProgressDisplay)?
    public var control: RunControl

    public init(
        reports: [ReportTarget] = [], progress: (any ProgressDisplay)? = nil, control: RunControl = RunControl()
    ) {
        self.reports = reports
        self.progress = progress
        self.control = control
    }
}

/// What runs beside a run's engine (a shared run's heartbeat) and how its end is recorded.
struct RunEnding {
    /// Called once the engine is made, before anything is dispatched.
    var begin: (RunEngine, RunTally) -> Void
    /// Records the end: how dispatching stopped, and whether every launch was dispatched and none left stale.
    /// Returns how many other runners still launch the run (a shared run this process left).
    var end: (RunStop, Bool) async throws -> Int
}

/// Drives one run through the engine: live reports, progress, the stop control, the run's final state and
/// its reports rewritten from the ledger. Shared by runs (fresh or resumed) and run replays.
struct RunExecution {
    let context: RunnerContext
    let driving: RunDriving

    /// Runs the launches `next` hands out as run `run`, then writes the reports (checked before anything was
    /// sent). `alreadyFinal` counts the positions a resume found done, `stale` the unknown ones it left for a
    /// decision; a resume's counts cover the whole run.
    /// The reports written as the run goes, opened: called before anything is recorded.
    func openLiveReports() throws -> [LiveReport] {
        try driving.reports.filter(\.output.isRegularFile).map(LiveReport.init)
    }

    func execute(
        run: Int64, total: Int, settings: RunSettings, live: [LiveReport], starting: String,
        next: () async throws -> RunLaunch?, resumed: Bool = false, resumable: Bool = true,
        alreadyFinal: () -> Int = { 0 }, stale: () -> Int = { 0 }, ending: RunEnding? = nil
    ) async throws -> RunResult {
        let store = context.store
        let ending =
            ending
            ?? RunEnding(
                begin: { _, _ in },
                end: { _, complete in
                    try await store.finishRun(run, state: complete ? .finished : .interrupted)
                    return 0
                })
        context.diagnostics.note(starting)
        for report in live { report.start(run: run) }
        if resumed, !live.isEmpty {
            // A resume's report files start with the run so far: killed again, they still hold every launch of the
            // run (one this resume sends again shows twice, until the run ends and its reports are rewritten).
            try await store.forEachLaunch(ofRun: run) { launch in for report in live { report.add(launch) } }
            for report in live { report.flush() }
        }
        let tally = RunTally(total: total, reports: live)
        // Reports on disk hold every launch that ended up to about a second ago, whatever happens next.
        let flusher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                await tally.flushReports()
            }
        }
        let clients = AltcraftClients(connections: settings.concurrency)
        let engine = RunEngine(clients: clients, ledger: store, settings: settings, observer: tally)
        driving.control.attach(engine, run: run, resumable: resumable)
        ending.begin(engine, tally)
        await driving.progress?.start(tally)
        let stop: RunStop
        do {
            stop = try await engine.run(next)
            driving.control.dispatched()
        } catch {
            driving.control.dispatched()
            flusher.cancel()
            await driving.progress?.stop()
            await clients.shutdown()
            _ = try await ending.end(.interrupted, false)
            for report in live { try? report.close() }
            _ = await writeReports(run: run)
            throw error
        }
        flusher.cancel()
        await driving.progress?.stop()
        await clients.shutdown()
        var summary = await tally.summary()
        let goesOn = try await ending.end(stop, stop == .completed && stale() == 0)
        for report in live { try? report.close() }
        let written = await writeReports(run: run)
        // A resume answers for the whole run: every position's latest outcome and latency, from the ledger.
        let info = resumed ? try await store.run(id: run) : nil
        let counts = info?.counts ?? summary.counts
        if let info {
            let whole = RunSummary(
                counts: counts, launches: summary.launches, seconds: summary.seconds,
                latencies: try await RunFigures.read(info, from: store).latencies)
            (summary.p50, summary.p95, summary.max) = (whole.p50, whole.p95, whole.max)
        }
        var result = RunResult(
            run: run, stop: stop, summary: summary, counts: counts, alreadyFinal: alreadyFinal(), stale: stale(),
            resumable: resumable, reportsWritten: written)
        result.goesOn = goesOn
        return result
    }

    /// What a resume that found nothing left to send comes to; its reports are written.
    func finished(run: Int64) async throws -> RunResult {
        let counts = try await context.store.run(id: run).counts
        context.diagnostics.note("run \(run) has nothing left to send: every launch has a final outcome")
        let written = await writeReports(run: run)
        return RunResult(run: run, stop: .completed, summary: nil, counts: counts, reportsWritten: written)
    }

    /// Rewrites every report whole from the ledger; says which could not be written (launches have gone out: the
    /// run's record stands, and `salvo report` rebuilds the file later). False if one failed.
    private func writeReports(run: Int64) async -> Bool {
        var written = true
        for target in driving.reports {
            do {
                try await RunReportBuilder(context: context).write(target, run: run)
            } catch {
                written = false
                context.diagnostics.error(
                    "the \(target.kind.rawValue) report could not be written to \(target.output.path): "
                        + "\((error as? InputError)?.message ?? error.localizedDescription); "
                        + "`salvo report \(run) --format \(target.kind.rawValue) --out FILE` writes it from the ledger")
            }
        }
        return written
    }
}
