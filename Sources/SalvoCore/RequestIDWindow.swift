import Foundation

/// How long the platform's de-duplication protects a re-sent launch. The platform remembers a Request-ID for a
/// day (altcraft-api.md); salvo re-sends an unknown launch with its original Request-ID only within 23 hours of
/// its first try, leaving an hour's margin. Older ones need a decision: the platform would deliver them again.
public enum RequestIDWindow {
    public static let resendSeconds = 23 * 3_600

    /// Launches first tried before this time are no longer protected.
    public static func cutoff(now: Date) -> String {
        Timestamp.string(from: now.addingTimeInterval(-Double(resendSeconds)))
    }
}
