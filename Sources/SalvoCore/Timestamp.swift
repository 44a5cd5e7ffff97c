import Foundation

/// Times as stored and shown: ISO 8601 in UTC with milliseconds, such as `2026-11-29T01:27:06.123Z`.
/// The text sorts in time order, so the store can compare and index it as text.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let plainStyle = Date.ISO8601FormatStyle(timeZone: .gmt)

    public static func string(from date: Date) -> String {
        style.format(date)
    }

    /// Parses a stored timestamp or a user's `--since` value: a full timestamp, one without fractions, a
    /// date (`2026-11-29`, midnight UTC), or a duration back from `now` (`24h`, `7d`).
    public static func parse(_ text: String, now: Date) throws(InputError) -> Date {
        if let date = try? style.parse(text) { return date }
        if let date = try? plainStyle.parse(text) { return date }
        if let date = try? plainStyle.parse(text + "T00:00:00Z") { return date }
        if let seconds = try? GuardWindow.parse(text) { return now.addingTimeInterval(-Double(seconds)) }
        throw InputError(
            "'\(text)' is not a time; write it like 2026-11-29, 2026-11-29T08:00:00Z, or a duration back from now such as 24h"
        )
    }
}
