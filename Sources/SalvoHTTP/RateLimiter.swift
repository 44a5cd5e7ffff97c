/// Spaces launches evenly at `rate` per second: each caller gets the next slot, one interval after the
/// previous one (a smooth token bucket of size one, never a burst at the top of each second).
public actor RateLimiter {
    private var interval: Duration
    private var next = ContinuousClock.now

    public init(perSecond rate: Double) {
        interval = .nanoseconds(Int64(1_000_000_000 / rate))
    }

    /// Changes the rate from the next slot on.
    public func set(perSecond rate: Double) {
        interval = .nanoseconds(Int64(1_000_000_000 / rate))
    }

    /// Waits for this caller's slot.
    public func wait() async {
        let now = ContinuousClock.now
        let slot = max(now, next)
        next = slot + interval
        if slot > now { try? await Task.sleep(until: slot, clock: .continuous) }
    }
}
