import SalvoCore

/// Which outcomes are retried and after how long: only a launch that was not sent, whose outcome is unknown,
/// or that was answered 5xx or 429; never another 4xx nor an `error` != 0 answer. Exponential backoff with
/// jitter, or the server's `Retry-After` when it gives one.
public struct RetryPolicy: Sendable {
    public var retries: Int
    public var base: Duration
    public var cap: Duration

    public init(retries: Int, base: Duration = .milliseconds(200), cap: Duration = .seconds(30)) {
        self.retries = retries
        self.base = base
        self.cap = cap
    }

    /// Whether `outcome` may be tried again.
    public static func isRetryable(_ outcome: LaunchOutcome) -> Bool {
        switch outcome.result {
        case .notSent, .unknown: return true
        case .rejected:
            guard let status = outcome.httpStatus else { return false }
            return status == 429 || (500..<600).contains(status)
        case .ok, .skipped: return false
        }
    }

    /// How long to wait before try number `next` (2 for the first retry).
    public func delay(before next: Int, after outcome: LaunchOutcome) -> Duration {
        if let retryAfter = outcome.headers.first(where: { $0.name.lowercased() == "retry-after" })?.value,
            let seconds = Int(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0
        {
            return min(.seconds(seconds), cap)
        }
        let exponential = base * (1 << min(next - 2, 16))
        let jittered = exponential * Double.random(in: 0.5...1.0)
        return min(jittered, cap)
    }
}
