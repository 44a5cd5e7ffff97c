import Foundation
import SalvoCore

/// Which launches `history` lists.
public struct HistoryFilter: Sendable {
    public var request: String?
    public var environment: String?
    public var result: LaunchResult?
    public var since: String?
    public var until: String?
    public var recipient: String?
    public var runID: Int64?
    public var limit: Int
    /// Only launches first tried after ledger entry `after`, oldest first (`history --follow`).
    public var after: Int64?

    public init(
        request: String? = nil, environment: String? = nil, result: LaunchResult? = nil, since: String? = nil,
        until: String? = nil, recipient: String? = nil, runID: Int64? = nil, limit: Int = 50
    ) {
        self.request = request
        self.environment = environment
        self.result = result
        self.since = since
        self.until = until
        self.recipient = recipient
        self.runID = runID
        self.limit = limit
    }
}

/// One launch as `history` shows it: its first attempt, and the outcome of its latest attempt.
public struct HistoryLine: Sendable {
    /// The ledger id of the launch's first attempt.
    public var id: Int64
    public var at: String
    public var runID: Int64
    public var requestID: String
    public var requestName: String
    public var environment: String
    public var method: String
    public var identity: LaunchIdentity
    public var tries: Int
    /// `unknown` when the latest attempt has no outcome.
    public var result: LaunchResult
    /// The latest attempt's outcome (its status, codes and texts; not its headers and body), nil while none.
    public var outcome: LaunchOutcome?
    public var by: Operator

    public init(
        id: Int64, at: String, runID: Int64, requestID: String, requestName: String, environment: String,
        method: String, identity: LaunchIdentity, tries: Int, result: LaunchResult, outcome: LaunchOutcome?,
        by: Operator
    ) {
        self.id = id
        self.at = at
        self.runID = runID
        self.requestID = requestID
        self.requestName = requestName
        self.environment = environment
        self.method = method
        self.identity = identity
        self.tries = tries
        self.result = result
        self.outcome = outcome
        self.by = by
    }

    /// The platform's error text, or what went wrong on the way (or why it was skipped).
    public var detail: String? { outcome?.errorText ?? outcome?.transportError }

    /// The launch as scripts read it.
    public var launchJSON: LaunchJSON {
        LaunchJSON(
            id: id, run: runID, at: at, request: requestName, environment: environment, method: method,
            requestID: requestID, identity: identity, tries: tries, result: result, outcome: outcome, by: by)
    }
}

/// A launch of a run as reports give it: its latest attempt (and that attempt's outcome) and when it was first
/// tried.
public struct ReportedLaunch: Sendable {
    public var firstTriedAt: String
    public var latest: RecordedAttempt

    public init(firstTriedAt: String, latest: RecordedAttempt) {
        self.firstTriedAt = firstTriedAt
        self.latest = latest
    }
}

/// Every attempt of one launch with its outcome, for `history show`.
public struct LaunchDetail: Sendable {
    public var line: HistoryLine
    public var attempts: [RecordedAttempt]

    public init(line: HistoryLine, attempts: [RecordedAttempt]) {
        self.line = line
        self.attempts = attempts
    }
}
