import Foundation

/// The duplicate-launch guard's window, written like `24h`, `30m`, `90s`, `7d`, `1h30m`, or `0` to disable it.
public enum GuardWindow {
    /// The default window: one day, the platform's own de-duplication period.
    public static let defaultSeconds = 86_400

    /// Seconds in `text`, or an error that shows the accepted forms.
    public static func parse(_ text: String) throws(InputError) -> Int {
        let error = InputError("guard window '\(text)' is not a duration; write it like 24h, 30m, 90s, 7d, 1h30m or 0")
        if text == "0" { return 0 }
        var total = 0
        var digits = ""
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            let unit: Int
            switch character {
            case "d": unit = 86_400
            case "h": unit = 3_600
            case "m": unit = 60
            case "s": unit = 1
            default: throw error
            }
            guard let amount = Int(digits), digits.count <= 7 else { throw error }
            total += amount * unit
            digits = ""
        }
        guard digits.isEmpty, !text.isEmpty else { throw error }
        return total
    }

    /// The time from which an identical successful launch blocks a new one, or nil when the guard is off
    /// (`force`, or a window of 0).
    public static func since(_ seconds: Int, force: Bool, now: Date = Date()) -> String? {
        force || seconds == 0 ? nil : Timestamp.string(from: now.addingTimeInterval(-Double(seconds)))
    }

    /// `seconds` written back in the shortest form, such as `1d`, `1h30m` or `0`.
    public static func format(_ seconds: Int) -> String {
        guard seconds > 0 else { return "0" }
        var rest = seconds
        var text = ""
        for (unit, letter) in [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")] where rest >= unit {
            text += "\(rest / unit)\(letter)"
            rest %= unit
        }
        return text
    }
}
