import SalvoCore

/// A salvo store: the collection, the ledger, runs and the audit trail, behind one backend (SQLite today).
/// Everything above the backends sees only these protocols; one conformance suite checks every backend against
/// them. Requirements are async because a network database needs it; a backend whose calls do not wait may
/// implement them synchronously.
public protocol Storage: CollectionStore, LedgerStore, RunStore, AuditStore, StoreTransfer {
    /// Where the store is, as people should read it (a path; never a password).
    var location: String { get }
    /// The local files that hold the store (none for a network database): no output may be written there.
    var files: [String] { get }
    /// Fingerprints tokens under the store's own key, so every machine on one store shows the same `fp:`.
    var fingerprinter: TokenFingerprinter { get }
    /// Location, schema version, size and counts.
    func info() async throws -> StoreInfo
    /// The backend's own consistency checks; empty when the store is sound.
    func check() async throws -> [String]
    /// What the backend says about where the store lives, for `store check`: its server's version, and warnings
    /// that are no fault of the store (a setting that could lose acknowledged attempts).
    func serverNotes() async throws -> [String]
    /// Lets the store go, finishing what its backend needs at the end (SQLite: a WAL checkpoint after writes).
    func close() async
}

/// Environments, requests, tags and the default environment. Every change is one transaction with its audit
/// event; a change that leaves a record as it was writes nothing.
public protocol CollectionStore: Sendable {
    /// Every environment, by name.
    func environments() async throws -> [Environment]
    /// The environment called `name`, or `StoreError.notFound`.
    func environment(named name: String) async throws -> Environment
    /// The environment with identity `uid` whatever its name now, or nil when it was removed.
    func environment(uid: String) async throws -> Environment?
    /// Adds a validated environment; the first one becomes the default. Returns whether this one did.
    @discardableResult func addEnvironment(_ environment: Environment) async throws -> Bool
    /// Applies `change` to environment `name` (its name and identity stay); nil when nothing changed.
    @discardableResult func updateEnvironment(named name: String, _ change: (inout Environment) throws -> Void)
        async throws -> Environment?
    /// Renames an environment; requests that default to it follow.
    func renameEnvironment(_ name: String, to newName: String) async throws
    /// Removes an environment; refused while requests default to it, unless `force`, which clears their default.
    /// Returns the requests whose default was cleared.
    @discardableResult func removeEnvironment(named name: String, force: Bool) async throws -> [String]
    /// The default environment's name, if one is set.
    func defaultEnvironmentName() async throws -> String?
    /// Makes `name` the default environment.
    func useEnvironment(named name: String) async throws

    /// Saved requests `selection` takes (a folder includes its sub-folders), by folder, then name.
    func requests(matching selection: RequestSelection) async throws -> [LaunchRequest]
    /// The request called `name`, or `StoreError.notFound`.
    func request(named name: String) async throws -> LaunchRequest
    /// The request with identity `uid` whatever its name now, or nil when it was removed.
    func request(uid: String) async throws -> LaunchRequest?
    /// Adds a validated request; its default environment, if any, must exist.
    func addRequest(_ request: LaunchRequest) async throws
    /// Applies `change` to request `name` (a changed name renames it); nil when nothing changed.
    @discardableResult func updateRequest(named name: String, _ change: (inout LaunchRequest) throws -> Void)
        async throws -> LaunchRequest?
    func renameRequest(_ name: String, to newName: String) async throws
    /// Saves a copy of request `source` under `name`.
    func copyRequest(_ source: String, to name: String) async throws
    func removeRequest(named name: String) async throws
    /// Imports `bundle` in one transaction, all or nothing; with `dryRun` checked, reported and rolled back.
    func importBundle(_ bundle: ImportBundle, onConflict policy: ConflictPolicy, dryRun: Bool) async throws
        -> [ImportEntry]
}

/// Where a recorded attempt went: its ledger id, and the identical launch it was skipped for when its guard,
/// checked again in the recording transaction, found one (it is then recorded as skipped, not to be sent).
public struct LedgerWrite: Equatable, Sendable {
    public var id: Int64
    public var skippedFor: GuardHit?
    /// Not recorded: its runner no longer holds its chunk (a shared run's send gate). It must not be sent.
    public var fenced: Bool

    public init(id: Int64, skippedFor: GuardHit? = nil, fenced: Bool = false) {
        self.id = id
        self.skippedFor = skippedFor
        self.fenced = fenced
    }
}

extension LaunchLedger {
    /// Commits outcomes, then attempts with no guard to check again, and returns the attempts' ledger ids.
    public func record(outcomes: [(attempt: Int64, outcome: LaunchOutcome)], attempts: [LaunchAttempt])
        async throws -> [Int64]
    {
        try await record(
            outcomes: outcomes, attempts: attempts, guards: Array(repeating: nil, count: attempts.count)
        ).map(\.id)
    }
}

extension CollectionStore {
    /// The whole collection.
    public func requests() async throws -> [LaunchRequest] { try await requests(matching: RequestSelection()) }
}

/// What the run engine writes, and the one question it asks: the duplicate guard's lookup.
public protocol LaunchLedger: Sendable {
    /// Commits outcomes of earlier attempts, then new attempts, in one transaction, and returns where each
    /// attempt went. Returns only once durable: no launch is sent before its attempt is.
    ///
    /// An attempt given a guard (`guards`, index for index; nil: none) is checked again inside the transaction,
    /// under a lock of its recipient's key that every process on the store takes: when an identical launch was
    /// recorded since the engine's own lookup (by another process, another machine), it is recorded as skipped
    /// instead and must not be sent. Two processes launching the same recipient at the same moment cannot both
    /// pass.
    func record(
        outcomes: [(attempt: Int64, outcome: LaunchOutcome)], attempts: [LaunchAttempt], guards: [DuplicateGuard?]
    ) async throws -> [LedgerWrite]
    /// Commits a launch that was not sent (the guard skipped it) with its outcome, in one transaction.
    func recordSkipped(_ attempt: LaunchAttempt, outcome: LaunchOutcome) async throws -> Int64
    /// The newest launch identical to `attempt` under `guard`'s rule that succeeded at or after its start, or
    /// may have been delivered (its latest attempt has no outcome or an unknown one).
    func lastSuccess(like attempt: LaunchAttempt, guard: DuplicateGuard) async throws -> GuardHit?
}

/// The ledger: append-only attempts and outcomes, chained by hash, and what reads them.
public protocol LedgerStore: LaunchLedger {
    /// Launches (first attempt, latest outcome), newest first; oldest first after `filter.after`.
    func history(_ filter: HistoryFilter) async throws -> [HistoryLine]
    /// The launch that ledger entry `id` (any attempt or outcome of it) belongs to, or `StoreError.notFound`.
    func launch(id: Int64) async throws -> LaunchDetail
    /// Calls `body` with every attempt matching `filter` (status: the attempt's own outcome), oldest first, in
    /// memory that does not grow with the ledger.
    func forEachAttempt(_ filter: HistoryFilter, _ body: (RecordedAttempt) throws -> Void) async throws
    /// Every launch of run `run` in position order: its latest attempt and that attempt's outcome, streamed.
    func forEachLaunch(ofRun run: Int64, _ body: (ReportedLaunch) throws -> Void) async throws
    /// The environments and requests the ledger's attempts name (as they were named then).
    func namesInLedger() async throws -> (environments: Set<String>, requests: Set<String>)
}

/// Runs: their lifecycle, the lock that keeps one process on a run, and where each launch stands.
public protocol RunStore: Sendable {
    /// Starts a run (a send is a run of one launch) and returns its id; its facts enter the audit trail
    /// (`start`) in the same transaction.
    func startRun(_ run: RunStart) async throws -> Int64
    /// Marks a run finished or interrupted (and appends its `finish` event).
    func finishRun(_ id: Int64, state: RunState) async throws
    /// Marks a run running again, for a resume (and appends its `reopen` event).
    func reopenRun(_ id: Int64) async throws
    /// Locks run `id` for this process, or throws `StoreError.runInUse` when another holds it. The lock ends
    /// with the process however it ends.
    func lockRun(_ id: Int64) async throws -> any RunLock
    /// The latest runs first.
    func runs(limit: Int) async throws -> [RunInfo]
    /// The run with this id, or `StoreError.notFound`.
    func run(id: Int64) async throws -> RunInfo
    /// Every run's facts as stored (the state as written, not as shown), oldest first: what `audit verify`
    /// compares with the runs' audit events.
    func runFacts() async throws -> [RunFacts]
    /// Gives each attempt of run `run` that a stopped process left without an outcome an `unknown` one; returns
    /// how many there were.
    @discardableResult func settleInterruptedAttempts(run: Int64) async throws -> Int
    /// Where the launches at positions `ordinals` of run `run` stand; positions never attempted are absent.
    func launchStates(run: Int64, ordinals: ClosedRange<Int>) async throws -> [Int: LaunchState]
}

/// Held while a process runs (or resumes) a run.
public protocol RunLock: Sendable {
    /// Lets the run go.
    func release()
}

/// The audit trail and the verification of both chains.
public protocol AuditStore: Sendable {
    /// The audit trail, oldest first, optionally from a time on and for one OS user.
    func auditEvents(since: String?, user: String?) async throws -> [AuditEvent]
    /// Walks the ledger's and the audit trail's hash chains in order, recomputing every hash, and compares the
    /// store's schema (triggers included) with the one its migrations make.
    func verify() async throws -> VerifyReport
    /// The stored hashes of the `ledgerEntry`-th ledger entry and the `auditEvent`-th audit event (from 1; 0:
    /// the chain's start), nil where the chain is shorter: what a checkpoint is compared with.
    func chainHashes(ledgerEntry: Int, auditEvent: Int) async throws -> (ledger: String?, audit: String?)
}
