import Foundation

/// Request-IDs for new launches: time-ordered random UUIDs (version 7, RFC 9562) in lower case.
///
/// The time prefix makes each new launch's Request-ID sort after the last one, so the ledger's index on it grows
/// at its end instead of touching a random page for every attempt and outcome (fewer pages written per commit);
/// 74 random bits keep them unique. Random bytes come from `getrandom`: Foundation's `UUID()` opens, reads and
/// closes `/dev/urandom` for each one on Linux.
public enum RequestID {
    /// A new Request-ID made at `now`.
    public static func random(at now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = withUnsafeBytes(of: (generator.next() as UInt64, generator.next() as UInt64)) { Array($0) }
        let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        bytes[6] = bytes[6] & 0x0F | 0x70  // version 7
        bytes[8] = bytes[8] & 0x3F | 0x80  // the RFC 9562 variant
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
