import Foundation
import SalvoCore

/// A run shared by many machines (PostgreSQL): its positions cut into chunks that runners claim for a lease.
public protocol SharedRunStore: Sendable {
    /// Shares run `run` (started, not yet launched): `shape` says how it is cut; `rows` stages the data file's
    /// rows (nil: none) before any chunk can be claimed.
    func shareRun(_ run: Int64, shape: SharedRunShape, rows: (@Sendable () throws -> DataRow?)?) async throws
    /// How run `run` is shared, or nil for a run of one process.
    func sharedRun(_ run: Int64) async throws -> SharedRunShape?
    /// Joins run `run` as a new runner: a connection of its own holds the runner's lock while the process lives.
    func join(run: Int64, as runner: RunnerFacts) async throws -> any RunnerSession
    /// The staged rows `rows` of run `run`, in order.
    func stagedRows(run: Int64, _ rows: ClosedRange<Int>) async throws -> [DataRow]
    /// When each position of `ordinals` whose latest attempt has no outcome yet was attempted (it may still be in
    /// flight from a runner that lost its chunk).
    func unanswered(run: Int64, ordinals: ClosedRange<Int>) async throws -> [Int: Date]
    /// Chunks and runners of run `run`, as `runs show` prints them.
    func sharedProgress(run: Int64) async throws -> SharedRunProgress?
    /// Asks every runner of run `run` to stop dispatching; false when it is not shared or not running.
    func requestStop(run: Int64) async throws -> Bool
    /// Runners of run `run` whose process lives (holds its lock) now.
    func liveRunners(run: Int64) async throws -> [SharedRunProgress.Runner]
    /// Ends shared run `run` as `state` unless it has ended already (every runner may try): attempts left without
    /// an outcome by runners that lost their chunks become unknown, the staged rows go when it finished. True if
    /// this call ended it.
    func endShared(_ run: Int64, state: RunState) async throws -> Bool
    /// Opens an ended shared run again for a resume: its chunks claimable again, a stop request forgotten.
    func reopenShared(_ run: Int64) async throws
}

/// How a shared run is cut and paced.
public struct SharedRunShape: Sendable, Equatable {
    public var positions: Int
    public var chunkSize: Int
    public var leaseSeconds: Double
    /// Launches per second for the whole run, shared by its live runners.
    public var rate: Double?
    /// Each target's token fingerprint, in target order.
    public var fingerprints: [String]
    /// Whether the data file's rows are in the store.
    public var staged: Bool
    public var rows: Int
    public var stopRequested = false

    public init(
        positions: Int, chunkSize: Int, leaseSeconds: Double, rate: Double?, fingerprints: [String], staged: Bool,
        rows: Int
    ) {
        self.positions = positions
        self.chunkSize = chunkSize
        self.leaseSeconds = leaseSeconds
        self.rate = rate
        self.fingerprints = fingerprints
        self.staged = staged
        self.rows = rows
    }
}

/// Who a runner is, as others see it.
public struct RunnerFacts: Sendable {
    public var host: String
    public var pid: Int
    public var user: String
    public var version: String
    public var concurrency: Int

    public init(host: String, pid: Int, user: String, version: String, concurrency: Int) {
        self.host = host
        self.pid = pid
        self.user = user
        self.version = version
        self.concurrency = concurrency
    }
}

/// Positions `positions` of a run, held by one runner under `fence` until its lease ends.
public struct ChunkClaim: Sendable, Equatable {
    public var fence: ChunkFence
    public var positions: ClosedRange<Int>

    public init(fence: ChunkFence, positions: ClosedRange<Int>) {
        self.fence = fence
        self.positions = positions
    }
}

/// What an attempt's recording checks first (the send gate): the chunk is still this runner's, under this claim
/// (epoch), its lease not run out. Otherwise the attempt is not recorded, so it is never sent.
public struct ChunkFence: Sendable, Hashable {
    public var run: Int64
    public var chunk: Int
    public var runner: Int64
    public var epoch: Int64

    public init(run: Int64, chunk: Int, runner: Int64, epoch: Int64) {
        self.run = run
        self.chunk = chunk
        self.runner = runner
        self.epoch = epoch
    }
}

/// What a heartbeat learned.
public struct Heartbeat: Sendable {
    /// The chunks this runner still holds (their leases extended).
    public var held: Set<ChunkFence>
    /// Runners of the run alive now, this one included.
    public var liveRunners: Int
    /// Someone asked the run to stop (`salvo runs stop`).
    public var stopRequested: Bool
    /// Launches every runner of the run has made so far, by their last heartbeats.
    public var runLaunches: Int

    public init(held: Set<ChunkFence>, liveRunners: Int, stopRequested: Bool, runLaunches: Int) {
        self.held = held
        self.liveRunners = liveRunners
        self.stopRequested = stopRequested
        self.runLaunches = runLaunches
    }
}

/// One process's membership of a shared run, over a connection of its own.
public protocol RunnerSession: Sendable {
    var id: Int64 { get }
    /// The first chunk no one holds (pending, or its lease run out), now this runner's; nil when none is left.
    func claim() async throws -> ChunkClaim?
    /// Marks a chunk done once every position in it has an attempt and each latest attempt its outcome; false
    /// while one has not (or the chunk is no longer this runner's).
    func complete(_ claim: ChunkClaim) async throws -> Bool
    /// Extends this runner's leases and says which chunks it still holds; `launches` is its count so far.
    func heartbeat(launches: Int) async throws -> Heartbeat
    /// Takes the chunks of runners whose process is gone (their lock is free) from them at once; returns how
    /// many such runners were found.
    func reapDead() async throws -> Int
    /// Whether chunks remain that are not done (pending, or claimed by anyone).
    func openChunks() async throws -> Int
    /// Gives this runner's unfinished chunks back and leaves the run, its launches counted.
    func leave(launches: Int) async
}

/// A shared run's chunks and runners.
public struct SharedRunProgress: Sendable {
    public struct Runner: Sendable {
        public var id: Int64
        public var host: String
        public var pid: Int
        public var state: String
        public var heartbeatAge: Double
        public var launches: Int
        public var seconds: Double
        public var chunks: Int

        public init(
            id: Int64, host: String, pid: Int, state: String, heartbeatAge: Double, launches: Int, seconds: Double,
            chunks: Int
        ) {
            self.id = id
            self.host = host
            self.pid = pid
            self.state = state
            self.heartbeatAge = heartbeatAge
            self.launches = launches
            self.seconds = seconds
            self.chunks = chunks
        }
    }

    public var shape: SharedRunShape
    public var pending: Int
    public var claimed: Int
    public var done: Int
    public var runners: [Runner]

    public init(shape: SharedRunShape, pending: Int, claimed: Int, done: Int, runners: [Runner]) {
        self.shape = shape
        self.pending = pending
        self.claimed = claimed
        self.done = done
        self.runners = runners
    }
}

/// A ledger whose attempts can be fenced by their chunk (a shared run's send gate).
public protocol FencedLaunchLedger: LaunchLedger {
    /// `record(outcomes:attempts:guards:)`, where an attempt with a fence (index for index) is recorded only
    /// while that fence holds; one that does not comes back `fenced` and must not be sent.
    func record(
        outcomes: [(attempt: Int64, outcome: LaunchOutcome)], attempts: [LaunchAttempt], guards: [DuplicateGuard?],
        fences: [ChunkFence?]
    ) async throws -> [LedgerWrite]
    /// `recordSkipped`, only while `fence` holds; nil when it does not (nothing recorded).
    func recordSkipped(_ attempt: LaunchAttempt, outcome: LaunchOutcome, fence: ChunkFence) async throws -> Int64?
}
