import Foundation
import SalvoCore

/// Performs launches the ledger's way: the attempt is committed, then the bytes leave, then the outcome is
/// committed. If the process dies in between, the attempt stands alone and the launch reads as unknown.
public struct Launcher: Sendable {
    public let client: AltcraftClient
    public let ledger: any LaunchLedger

    public init(client: AltcraftClient, ledger: any LaunchLedger) {
        self.client = client
        self.ledger = ledger
    }

    /// What came of one launch.
    public struct Report: Sendable {
        /// The ledger id of the attempt.
        public var id: Int64
        public var outcome: LaunchOutcome
        /// The earlier launch that made the guard skip this one.
        public var guardHit: GuardHit?
    }

    /// Launches `plan`, unless an identical launch succeeded at or after `guardSince` (nil: no guard), in which
    /// case the skip is recorded and nothing is sent. Throws only when the ledger cannot be written: then
    /// nothing was sent (attempt) or the answer could not be kept (outcome), and the caller must stop.
    public func launch(_ plan: LaunchPlan, timeout: Duration, guardSince: String?) async throws -> Report {
        if let guardSince,
            let hit = try ledger.lastSuccess(
                environment: plan.attempt.environment, method: plan.attempt.method, identity: plan.attempt.identity,
                since: guardSince)
        {
            let outcome = LaunchOutcome(
                result: .skipped, transportError: "an identical launch #\(hit.ledgerID) succeeded at \(hit.at)")
            return Report(id: try ledger.recordSkipped(plan.attempt, outcome: outcome), outcome: outcome, guardHit: hit)
        }
        guard let attempt = try ledger.record(outcomes: [], attempts: [plan.attempt]).first else {
            throw LauncherError.notRecorded
        }
        let exchange = await client.send(
            url: plan.launch.url, headers: plan.launch.headers, body: plan.bodyText, timeout: timeout)
        let outcome = OutcomeClassifier.outcome(of: exchange, mask: plan.masking)
        _ = try ledger.record(outcomes: [(attempt, outcome)], attempts: [])
        return Report(id: attempt, outcome: outcome)
    }
}

/// The launcher's own failure.
public enum LauncherError: Error {
    case notRecorded
}
