import Foundation
import SalvoCore
import SalvoStorage
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How a shared run is cut for its runners.
public struct Sharing: Sendable, Equatable {
    /// Positions per chunk: what a runner claims at once.
    public var chunkSize = 4_096
    /// Seconds a claim lasts without a heartbeat; a frozen runner's chunks go to others after it.
    public var leaseSeconds: Double = 30

    public init(chunkSize: Int = 4_096, leaseSeconds: Double = 30) {
        self.chunkSize = chunkSize
        self.leaseSeconds = leaseSeconds
    }
}

/// Shared runs: a run on a team store is launched by every machine that joins it, each position exactly once.
extension RunService {
    /// Starts a shared run: checked like any run, its data rows staged into the store, then driven by this
    /// process as its first runner.
    func runShared(_ request: RunRequest, on shared: any SharedRunStore, driving: RunDriving) async throws
        -> RunResult
    {
        let new = try await prepare(request, driving: driving)
        let (spec, total) = (new.spec, new.total)
        let run = try await new.start(on: context.store)
        let shape = SharedRunShape(
            positions: total, chunkSize: request.sharing.chunkSize, leaseSeconds: request.sharing.leaseSeconds,
            rate: request.pace.rate,
            fingerprints: spec.targets.map { context.store.fingerprinter.fingerprint($0.token) },
            staged: spec.data != nil, rows: new.checked.rows)
        var rows: (@Sendable () throws -> DataRow?)?
        if let data = spec.data {
            let reader = Reading(try data.open().reader)
            rows = { try reader.next() }
        }
        try await shared.shareRun(run, shape: shape, rows: rows)
        context.diagnostics.note(
            "run \(run) is shared: more machines join it with `salvo run --join \(run)` on the same store")
        return try await driveShared(
            run: run, spec: spec, record: new.record, shape: shape, on: shared, concurrency: request.pace.concurrency,
            resendStale: false, driving: driving,
            starting: "run \(run): \(total) launch(es) to \(new.destinations), in chunks of \(shape.chunkSize)")
    }

    /// Adds this process to shared run `id` with `concurrency` launches in flight (else the run's own).
    public func join(_ id: Int64, concurrency: Int?, driving: RunDriving) async throws -> RunResult {
        guard let shared = context.store as? any SharedRunStore, let shape = try await shared.sharedRun(id) else {
            _ = try await context.store.run(id: id)
            throw InputError(
                "run \(id) is not shared: only runs on a team store (PostgreSQL) started by `salvo run` take --join; "
                    + "`salvo run --resume \(id)` finishes it")
        }
        let info = try await context.store.run(id: id)
        guard info.state == .running else {
            throw InputError(
                "run \(id) has ended (\(info.state.rawValue)): `salvo run --resume \(id)` finishes what it left")
        }
        let (spec, driving) = try await joining(info, shape: shape, driving: driving)
        return try await driveShared(
            run: id, spec: spec, record: info.record, shape: shape, on: shared,
            concurrency: concurrency ?? info.record.concurrency,
            resendStale: false, driving: driving, starting: "joining run \(id)")
    }

    /// A resume of a shared run: with none of its runners alive, it is opened again and this process joins it.
    func resumeShared(
        _ info: RunInfo, shape: SharedRunShape, on shared: any SharedRunStore, force: Bool, driving: RunDriving
    ) async throws -> RunResult {
        // A runner killed a moment ago may hold its lock until the server has seen its connection close.
        var live = try await shared.liveRunners(run: info.id)
        for _ in 0..<10 where !live.isEmpty {
            try await Task.sleep(for: .milliseconds(200))
            live = try await shared.liveRunners(run: info.id)
        }
        guard live.isEmpty else {
            let who = live.map { "runner \($0.id) (\($0.host), pid \($0.pid))" }.joined(separator: ", ")
            throw InputError(
                "run \(info.id) is still being launched by \(who): `salvo run --join \(info.id)` adds this machine "
                    + "to it")
        }
        // Everything is checked before the run is opened again: a refused resume changes nothing.
        let (spec, checkedDriving) = try await joining(info, shape: shape, driving: driving)
        let final = try await LaunchProducer.finalPositions(
            of: info.id, total: shape.positions, retries: info.record.retries, store: context.store)
        if final >= shape.positions {
            _ = try await shared.endShared(info.id, state: .finished)
            return try await RunExecution(context: context, driving: checkedDriving).finished(run: info.id)
        }
        if info.state != .running {
            try await context.store.reopenRun(info.id)
        }
        try await shared.reopenShared(info.id)
        return try await driveShared(
            run: info.id, spec: spec, record: info.record, shape: shape, on: shared,
            concurrency: info.record.concurrency, resendStale: force, driving: checkedDriving,
            starting: "resuming run \(info.id)")
    }

    /// What a runner joining run `info` launches, its token checked against the run's, and how it is driven
    /// (without reports of its own, the run's).
    private func joining(_ info: RunInfo, shape: SharedRunShape, driving: RunDriving) async throws
        -> (RunPlanSpec, RunDriving)
    {
        var driving = driving
        if driving.reports.isEmpty {
            driving.reports = recordedReports(info.record)
        } else {
            try Self.check(driving.reports, flag: { "--report \($0.kind.rawValue)=" }, sparing: context.store.files)
        }
        let spec = try await resumedSpec(info, record: info.record, needsData: !shape.staged)
        // The same token makes the same requests: another one would launch what the run's creator did not.
        for (target, expected) in zip(spec.targets, shape.fingerprints) {
            let mine = context.store.fingerprinter.fingerprint(target.token)
            if mine != expected {
                throw InputError(
                    "this machine's token for environment '\(target.environment.name)' (\(mine)) is not the one run "
                        + "\(info.id) was started with (\(expected)); set the environment's token variable to that "
                        + "token")
            }
        }
        return (spec, driving)
    }

    /// Drives this process as one runner of shared run `run` until no chunk is left, it is stopped, or the store
    /// fails; a heartbeat keeps its leases, learns which chunks it lost and takes dead runners' chunks.
    private func driveShared(
        run: Int64, spec: RunPlanSpec, record: RunRecord, shape: SharedRunShape, on shared: any SharedRunStore,
        concurrency: Int, resendStale: Bool, driving: RunDriving, starting: String
    ) async throws -> RunResult {
        let execution = RunExecution(context: context, driving: driving)
        let live = try execution.openLiveReports()
        let session = try await shared.join(
            run: run,
            as: RunnerFacts(
                host: context.author.host, pid: Int(getpid()), user: context.author.user,
                version: SalvoVersion.current, concurrency: concurrency))
        let producer = ChunkProducer(
            spec: spec, planner: planner, runID: run, session: session, shared: shared, shape: shape, record: record,
            resendStale: resendStale)
        var settings = RunSettings(record)
        settings.concurrency = concurrency
        // This runner's share of the run's rate from the start (the heartbeat follows runners coming and going).
        let runners = try await shared.liveRunners(run: run).count
        settings.rate = shape.rate.map { $0 / Double(max(1, runners)) }
        let beats = Mutex<Task<Void, Never>?>(nil)
        let tallied = Mutex<RunTally?>(nil)
        let ending = RunEnding(
            begin: { engine, tally in
                tallied.withLock { $0 = tally }
                producer.driven(by: engine)
                beats.withLock {
                    $0 = Task {
                        await Self.heartbeat(
                            session: session, shape: shape, producer: producer, engine: engine, tally: tally)
                    }
                }
            },
            end: { stop, complete in
                let task = beats.withLock { $0 }
                task?.cancel()
                await task?.value
                await session.leave(launches: await tallied.withLock { $0 }?.launched ?? 0)
                if stop == .completed {
                    _ = try await shared.endShared(run, state: complete ? .finished : .interrupted)
                    return 0
                }
                let others = try await shared.liveRunners(run: run).count
                if others == 0 { _ = try await shared.endShared(run, state: .interrupted) }
                return others
            })
        return try await execution.execute(
            run: run, total: shape.positions, settings: settings, live: live, starting: starting,
            next: producer.next, resumed: true, alreadyFinal: { producer.alreadyFinal },
            stale: { producer.staleUnknown }, ending: ending)
    }

    /// Every third of a lease (at most a second): extend the leases, learn the chunks lost and a stop request,
    /// share the run's rate among the live runners, and take the chunks of runners whose process is gone.
    private static func heartbeat(
        session: any RunnerSession, shape: SharedRunShape, producer: ChunkProducer, engine: RunEngine, tally: RunTally
    ) async {
        let interval = Duration.milliseconds(Int(min(1, shape.leaseSeconds / 3) * 1000))
        while !Task.isCancelled {
            do {
                let asked = producer.claimed
                let beat = try await session.heartbeat(launches: await tally.launched)
                producer.heard(asked: asked, held: beat.held, stop: beat.stopRequested)
                await tally.heard(runLaunches: beat.runLaunches)
                if beat.stopRequested { engine.requestStop() }
                if let rate = shape.rate { await engine.pace(perSecond: rate / Double(max(1, beat.liveRunners))) }
                _ = try await session.reapDead()
            } catch {
                // The store does not answer: nothing can be recorded, so nothing is sent; the engine stops on
                // its next write. Leases run out on the server's clock meanwhile.
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// A data file's rows read one by one from the task that stages them.
private final class Reading: @unchecked Sendable {
    private var reader: any DataRowReader

    init(_ reader: any DataRowReader) {
        self.reader = reader
    }

    func next() throws -> DataRow? { try reader.next() }
}
