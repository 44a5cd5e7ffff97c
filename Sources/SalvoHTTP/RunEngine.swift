import Foundation
import SalvoCore
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
    /// Launches identical to one that succeeded at or after this time are skipped; nil turns the guard off.
    public var guardSince: String?

    public init(
        concurrency: Int, rate: Double?, delay: Duration?, timeout: Duration, retry: RetryPolicy, bail: Bool,
        guardSince: String?
    ) {
        self.concurrency = concurrency
        self.rate = rate
        self.delay = delay
        self.timeout = timeout
        self.retry = retry
        self.bail = bail
        self.guardSince = guardSince
    }
}

/// One launch of a run, ready to go: a fresh one, or the resumption of one whose outcome is unknown.
public struct RunLaunch: Sendable {
    public var plan: LaunchPlan
    /// A resumed launch keeps its Request-ID and skips the guard (its own first attempt may have succeeded).
    public var resumed: Bool

    public init(plan: LaunchPlan, resumed: Bool) {
        self.plan = plan
        self.resumed = resumed
    }
}

/// A launch that ended, as observers (progress, summary, reports) see it.
public struct FinishedLaunch: Sendable {
    /// The ledger id of its last attempt.
    public var id: Int64
    public var attempt: LaunchAttempt
    public var outcome: LaunchOutcome
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
    /// The ledger could not be written; nothing more was sent.
    case ledgerFailed(String)
}

/// Dispatches a run's launches with bounded concurrency, an even rate, retries with the same Request-ID, the
/// duplicate guard, and group-committed ledger writes (every attempt durable before its bytes leave).
public final class RunEngine: Sendable {
    private let client: AltcraftClient
    private let ledger: any LaunchLedger
    private let writer: LedgerWriter
    private let settings: RunSettings
    private let observer: any RunObserver
    private let limiter: RateLimiter?
    private let stop = Mutex<RunStop?>(nil)

    public init(client: AltcraftClient, ledger: any LaunchLedger, settings: RunSettings, observer: any RunObserver) {
        self.client = client
        self.ledger = ledger
        writer = LedgerWriter(ledger: ledger)
        self.settings = settings
        self.observer = observer
        limiter = settings.rate.map { RateLimiter(perSecond: $0) }
    }

    /// Stops dispatching; launches in flight finish and are recorded. Safe to call from a signal handler's queue.
    public func requestStop() {
        stop.withLock { $0 = $0 ?? .interrupted }
    }

    private var stopped: RunStop? { stop.withLock { $0 } }

    /// Runs launches pulled from `next` until it returns nil or the run stops, then waits for those in flight and
    /// for the ledger. A data error thrown by `next` stops dispatching and is rethrown after that wait.
    public func run(_ next: () throws -> RunLaunch?) async throws -> RunStop {
        var dataError: (any Error)?
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            while stopped == nil {
                let launch: RunLaunch?
                do {
                    launch = try next()
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
                group.addTask { await self.perform(launch) }
                inFlight += 1
            }
            await group.waitForAll()
        }
        await writer.flush()
        if let dataError { throw dataError }
        if let failure = await writer.failure {
            stop.withLock { $0 = .ledgerFailed("\(failure.localizedDescription)") }
        }
        return stopped ?? .completed
    }

    private func perform(_ launch: RunLaunch) async {
        var plan = launch.plan
        if let guardSince = settings.guardSince, !launch.resumed,
            let hit = try? ledger.lastSuccess(
                environment: plan.attempt.environment, method: plan.attempt.method, identity: plan.attempt.identity,
                since: guardSince)
        {
            let outcome = LaunchOutcome(
                result: .skipped, transportError: "an identical launch #\(hit.ledgerID) succeeded at \(hit.at)")
            do {
                let id = try await writer.recordSkipped(plan.attempt, outcome: outcome)
                await observer.finished(FinishedLaunch(id: id, attempt: plan.attempt, outcome: outcome))
            } catch {
                stop.withLock { $0 = $0 ?? .ledgerFailed(error.localizedDescription) }
            }
            return
        }
        // Whether an earlier try (or, for a resumed launch, the interrupted run) may have delivered it.
        var mayHaveLeft = launch.resumed
        while true {
            let id: Int64
            do {
                id = try await writer.record(plan.attempt)
            } catch {
                stop.withLock { $0 = $0 ?? .ledgerFailed(error.localizedDescription) }
                return
            }
            let exchange = await client.send(
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
            await writer.record(outcome: outcome, of: id)
            if retry {
                try? await Task.sleep(for: settings.retry.delay(before: plan.attempt.tryNumber + 1, after: outcome))
                plan.attempt.tryNumber += 1
                continue
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
