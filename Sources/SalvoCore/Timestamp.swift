import Foundation

/// Times as stored and shown: ISO 8601 in UTC with milliseconds, such as `2026-11-29T01:27:06.123Z`.
/// The text sorts in time order, so the store can compare and index it as text.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let plainStyle = Date.ISO8601FormatStyle(timeZone: .gmt)

    public static func string(from date: Date) -> String {
        style.format(date)
    }

    /// Seconds since 1970 of a stored timestamp (`2026-11-29T01:27:06.123Z`, fractions optional), read without
    /// a formatter: reports read one per launch. Nil for any other text.
    public static func seconds(ofStored text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var fraction = 0.0
        if bytes.count > 21, bytes[19] == UInt8(ascii: "."), let digits = number(20..<(bytes.count - 1)) {
            fraction = Double(digits) / pow(10, Double(bytes.count - 21))
        }
        // Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + second) + fraction
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
