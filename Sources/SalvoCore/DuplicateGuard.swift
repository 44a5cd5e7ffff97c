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

/// An earlier successful launch that makes the guard skip a new one.
public struct GuardHit: Equatable, Sendable {
    /// The ledger id of the earlier launch's attempt.
    public var ledgerID: Int64
    /// When its success was recorded.
    public var at: String
    /// The rule under which the two are identical.
    public var rule: GuardRule

    public init(ledgerID: Int64, at: String, rule: GuardRule) {
        self.ledgerID = ledgerID
        self.at = at
        self.rule = rule
    }

    /// Why the launch was skipped, for the ledger and the terminal.
    public var reason: String {
        "an identical launch (\(rule.summary)) #\(ledgerID) succeeded at \(at)"
    }
}
