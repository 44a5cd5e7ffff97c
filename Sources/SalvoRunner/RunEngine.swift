import Foundation
import SalvoCore
import SalvoHTTP
import SalvoStorage
import Synchronization

/// The settings that pace and guard a run.
public struct RunSettings: Sendable {
    /// Launches in flight at most.
    public var concurrency: Int
    /// Launches per second at most, evenly spaced; nil for no limit.
    public var rate: Double?
    /// A pause after each launch before its slot takes the next one.
    public var delay: Duration?
    public var timeout: Duration
    public var retry: RetryPolicy
    /// Stop dispatching at the first launch that does not end ok (or skipped).
    public var bail: Bool

    public init(
        concurrency: Int, rate: Double?, delay: Duration?, timeout: Duration, retry: RetryPolicy, bail: Bool
    ) {
        self.concurrency = concurrency
        self.rate = rate
        self.delay = delay
        self.timeout = timeout
        self.retry = retry
        self.bail = bail
    }

    /// The settings a run was recorded with.
    public init(_ record: RunRecord) {
        self.init(
            concurrency: record.concurrency, rate: record.rate,
            delay: record.delayMilliseconds.map { .milliseconds($0) },
            timeout: .microseconds(Int64((record.timeoutSeconds * 1_000_000).rounded())),
            retry: RetryPolicy(retries: record.retries), bail: record.bail)
    }
}

/// One launch of a run, ready to go: a fresh one, or the resumption of one whose outcome is unknown.
public struct RunLaunch: Sendable {
    public var plan: LaunchPlan
    /// A resumed launch keeps its Request-ID and skips the guard (its own first attempt may have succeeded).
    public var resumed: Bool
    /// Whether an earlier try of a resumed launch may have been delivered (not when every one was refused a
    /// connection): then a 5xx or 429 to this one leaves its outcome unknown.
    public var mayHaveLeft: Bool
    /// The duplicate guard of its environment, over the ledger and the run's own launches; nil when off.
    public var duplicateGuard: DuplicateGuard?
    /// Where it goes (the client follows its base URL and TLS setting).
    public var environment: Environment
    /// A shared run's claim on its chunk: its attempts are recorded, and so sent, only while the claim holds.
    public var fence: ChunkFence?

    public init(
        plan: LaunchPlan, resumed: Bool, mayHaveLeft: Bool? = nil, duplicateGuard: DuplicateGuard?,
        environment: Environment, fence: ChunkFence? = nil
    ) {
        self.plan = plan
        self.resumed = resumed
        self.mayHaveLeft = mayHaveLeft ?? resumed
        self.duplicateGuard = duplicateGuard
        self.environment = environment
        self.fence = fence
    }
}

/// A launch that ended, as observers (progress, summary, reports) see it.
public struct FinishedLaunch: Sendable {
    /// The ledger id of its last attempt.
    public var id: Int64
    public var attempt: LaunchAttempt
    public var outcome: LaunchOutcome
    /// The earlier launch that made the guard skip this one.
    public var guardHit: GuardHit?
}

/// Told about every launch as it ends.
public protocol RunObserver: Sendable {
    func finished(_ launch: FinishedLaunch) async
}

/// Why a run stopped dispatching.
public enum RunStop: Sendable, Equatable {
    /// Every launch was dispatched.
    case completed
    /// Stopped on request (Ctrl-C).
    case interrupted
    /// `--bail`: a launch did not end ok.
    case bailed
    /// The ledger could not be written (or read by the guard); nothing more was sent.
    case ledgerFailed(LedgerFailure)
}

/// Why the ledger stopped a run: what failed, and the store's own error when it was one (the command line adds
/// what to do about it).
public struct LedgerFailure: Equatable, Sendable {
    /// What was being done, such as "the duplicate guard could not read the ledger".
    public var context: String?
    public var storeError: StoreError?
    /// The failure as the error itself says it.
    public var description: String

    init(_ error: any Error, while context: String? = nil) {
        self.context = context
        storeError = error as? StoreError
        description = error.localizedDescription
    }

    /// The failure in a sentence, its context first.
    public var message: String { context.map { "\($0): \(description)" } ?? description }
}

/// Dispatches a run's launches with bounded concurrency, an even rate, retries with the same Request-ID, the
/// duplicate guard, and group-committed ledger writes (every attempt durable before its bytes leave).
public final class RunEngine: Sendable {
    private let clients: AltcraftClients
    private let ledger: any LaunchLedger
    private let writer: LedgerWriter
    private let settings: RunSettings
    private let observer: any RunObserver
    private let limiter: RateLimiter?
    private let gates = LaunchGates()
    private let stop = Mutex<RunStop?>(nil)

    /// An engine that sends through `clients` (made as launches need them; the caller shuts them down).
    public init(clients: AltcraftClients, ledger: any LaunchLedger, settings: RunSettings, observer: any RunObserver) {
        self.clients = clients
        self.ledger = ledger
        writer = LedgerWriter(ledger: ledger)
        self.settings = settings
        self.observer = observer
        limiter = settings.rate.map { RateLimiter(perSecond: $0) }
    }

    /// Sets the rate (launches per second) of a run started with one: a shared run's share as runners come and go.
    public func pace(perSecond rate: Double) async {
        await limiter?.set(perSecond: rate)
    }

    /// Stops dispatching; launches in flight finish and are recorded. Safe to call from a signal handler's queue.
    public func requestStop() {
        stop.withLock { $0 = $0 ?? .interrupted }
    }

    private var stopped: RunStop? { stop.withLock { $0 } }

    /// Whether dispatching has been stopped (on request, by --bail, or by the ledger).
    public var isStopping: Bool { stopped != nil }

    /// Runs launches pulled from `next` until it returns nil or the run stops, then waits for those in flight and
    /// for the ledger. A data error thrown by `next` stops dispatching and is rethrown after that wait.
    public func run(_ next: () async throws -> RunLaunch?) async throws -> RunStop {
        var dataError: (any Error)?
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            while stopped == nil {
                let launch: RunLaunch?
                do {
                    launch = try await next()
                } catch {
                    dataError = error
                    break
                }
                guard let launch else { break }
                if inFlight >= settings.concurrency {
                    await group.next()
                    inFlight -= 1
                }
                if let limiter { await limiter.wait() }
                guard stopped == nil else { break }
                var chain: (previous: Gate?, own: Gate)?
                if let check = launch.duplicateGuard {
                    gates.forget(committedBatches: await writer.committedBatches)
                    chain = gates.enter(check.key(of: launch.plan.attempt))
                }
                group.addTask { await self.perform(launch, after: chain?.previous, gate: chain?.own) }
                inFlight += 1
            }
            await group.waitForAll()
        }
        await writer.flush()
        if let dataError { throw dataError }
        if let failure = await writer.failure {
            stop.withLock { $0 = .ledgerFailed(LedgerFailure(failure)) }
        }
        return stopped ?? .completed
    }

    private func fail(_ error: any Error, while doing: String? = nil) {
        stop.withLock { $0 = $0 ?? .ledgerFailed(LedgerFailure(error, while: doing)) }
    }

    /// Performs one launch: the guard (the identical launch of this run dispatched before it, then the ledger),
    /// then tries until one is final. `gate` is opened with what came of it whatever happens.
    private func perform(_ launch: RunLaunch, after previous: Gate?, gate: Gate?) async {
        var settled = Gate.Outcome(hit: nil, batch: 0)
        defer { if let gate { gates.open(gate, settled) } }
        var plan = launch.plan
        if let check = launch.duplicateGuard, !launch.resumed {
            var hit: GuardHit?
            if let previous {
                let earlier = await previous.outcome()
                // The ledger must hold the earlier launch's outcome before it is asked about identical ones.
                if earlier.hit == nil { await writer.committed(through: earlier.batch) }
                // Waiting is not being in flight: a stopped run sends nothing more.
                guard stopped == nil else { return }
                hit = earlier.hit
                settled.batch = earlier.batch
            }
            if hit == nil {
                do {
                    hit = try await ledger.lastSuccess(like: plan.attempt, guard: check)
                } catch {
                    fail(error, while: "the duplicate guard could not read the ledger")
                    return
                }
            }
            if let hit {
                let outcome = LaunchOutcome(result: .skipped, transportError: hit.reason)
                do {
                    // Its runner lost the chunk: the chunk's new owner decides about it.
                    guard let id = try await writer.recordSkipped(plan.attempt, outcome: outcome, fence: launch.fence)
                    else { return }
                    settled.hit = hit
                    await observer.finished(
                        FinishedLaunch(id: id, attempt: plan.attempt, outcome: outcome, guardHit: hit))
                } catch {
                    fail(error)
                }
                return
            }
        }
        // Whether an earlier try (or, for a resumed launch, the interrupted run) may have delivered it.
        var mayHaveLeft = launch.mayHaveLeft
        // The guard is checked once more where the first try is recorded, under a lock every process takes:
        // another machine's identical launch recorded meanwhile makes this one skipped.
        var recheck = launch.resumed ? nil : launch.duplicateGuard
        while true {
            let id: Int64
            do {
                let write = try await writer.record(plan.attempt, guard: recheck, fence: launch.fence)
                recheck = nil
                // Its runner lost the chunk: the chunk's new owner launches it; nothing is sent from here.
                if write.fenced { return }
                id = write.id
                if let hit = write.skippedFor {
                    settled.hit = hit
                    await observer.finished(
                        FinishedLaunch(
                            id: id, attempt: plan.attempt,
                            outcome: LaunchOutcome(result: .skipped, transportError: hit.reason), guardHit: hit))
                    return
                }
            } catch {
                fail(error)
                return
            }
            let exchange = await clients.client(for: launch.environment).send(
                url: plan.launch.url, headers: plan.launch.headers, body: plan.bodyText, timeout: settings.timeout)
            var outcome = OutcomeClassifier.outcome(of: exchange, mask: plan.masking)
            let retryable = RetryPolicy.isRetryable(outcome)
            let retry = retryable && plan.attempt.tryNumber <= settings.retry.retries && stopped == nil
            if !retry, mayHaveLeft, retryable, outcome.result == .rejected {
                // A 5xx or 429 says nothing about an earlier try that may have been delivered: the launch's outcome
                // is unknown, and a resume asks again with the same Request-ID (the platform de-duplicates).
                outcome.result = .unknown
                outcome.transportError =
                    "HTTP \(outcome.httpStatus ?? 0) to a retry of a launch an earlier try may have delivered"
            }
            if outcome.result == .unknown { mayHaveLeft = true }
            let batch = await writer.record(outcome: outcome, of: id)
            if retry {
                try? await Task.sleep(for: settings.retry.delay(before: plan.attempt.tryNumber + 1, after: outcome))
                plan.attempt.tryNumber += 1
                continue
            }
            // A success, or a launch that may have been delivered, holds back the identical ones after it.
            settled.batch = batch
            if [.ok, .unknown].contains(outcome.result), let check = launch.duplicateGuard {
                settled.hit = GuardHit(ledgerID: id, rule: check.rule, pending: outcome.result == .unknown)
            }
            await observer.finished(FinishedLaunch(id: id, attempt: plan.attempt, outcome: outcome))
            if settings.bail, outcome.result != .ok, outcome.result != .skipped {
                stop.withLock { $0 = $0 ?? .bailed }
            }
            if let delay = settings.delay { try? await Task.sleep(for: delay) }
            return
        }
    }
}
