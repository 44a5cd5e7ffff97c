import Foundation

/// Which launches the duplicate guard calls identical.
public enum GuardRule: String, CaseIterable, Sendable {
    /// The same environment, method and body, the token aside (the default): the same trigger to the same
    /// person with other content is another mailing (transactional triggers do that many times a day).
    case content
    /// The stricter rule an environment may choose: the same environment, trigger and recipient, whatever the
    /// content.
    case recipient

    /// What two launches share under this rule, for messages.
    public var summary: String {
        switch self {
        case .content: "same environment, method and body"
        case .recipient: "same environment, trigger and recipient"
        }
    }
}

/// The duplicate guard of a launch: a launch identical (by `rule`) to one that succeeded at or after `since` is
/// skipped.
public struct DuplicateGuard: Equatable, Sendable {
    public var since: String
    public var rule: GuardRule

    public init(since: String, rule: GuardRule) {
        self.since = since
        self.rule = rule
    }

    /// The guard of `environment` now, or nil when it is off (`force`, or a window of 0).
    public static func of(_ environment: Environment, force: Bool, now: Date = Date()) -> DuplicateGuard? {
        GuardWindow.since(environment.guardSeconds, force: force, now: now).map {
            DuplicateGuard(since: $0, rule: environment.guardRule)
        }
    }

    /// The key under which two launches are identical by this guard's rule.
    public func key(of attempt: LaunchAttempt) -> String {
        let environment = attempt.environmentUID ?? "name:" + attempt.environment
        switch rule {
        case .content:
            return "\(environment)\n\(attempt.contentKey)"
        case .recipient:
            let identity = attempt.identity
            return "\(environment)\n\(attempt.method)\n\(identity.trigger ?? "")\n\(identity.recipient)"
        }
    }
}

/// An earlier launch that makes the guard skip a new one: it succeeded, or it may have been delivered (its
/// outcome is unknown, or it is still in flight), which only a resume with its own Request-ID can settle.
public struct GuardHit: Equatable, Sendable {
    /// The ledger id of the earlier launch's attempt.
    public var ledgerID: Int64
    /// The rule under which the two are identical.
    public var rule: GuardRule
    /// Whether the earlier launch's outcome is not known yet.
    public var pending: Bool

    public init(ledgerID: Int64, rule: GuardRule, pending: Bool = false) {
        self.ledgerID = ledgerID
        self.rule = rule
        self.pending = pending
    }

    /// The ledger id a skip reason (`reason`) names.
    public static func ledgerID(inReason reason: String) -> Int64? {
        guard let mark = reason.firstRange(of: ") #") else { return nil }
        return Int64(reason[mark.upperBound...].prefix { $0.isNumber })
    }

    /// Why the launch was skipped, for the ledger and the terminal (`salvo history show ID` has the details).
    public var reason: String {
        pending
            ? "an identical launch (\(rule.summary)) #\(ledgerID) may have been delivered: its outcome is unknown; "
                + "resuming its run settles it with its own Request-ID (salvo history show \(ledgerID))"
            : "an identical launch (\(rule.summary)) #\(ledgerID) succeeded (salvo history show \(ledgerID))"
    }
}
