/// Finds the keys that occur more than once in a stream read twice, in memory that does not grow with the
/// stream: the first pass sets bits of a fixed Bloom filter and keeps only the keys it may have seen before
/// (true repeats, and rare false alarms); the second pass counts those exactly.
public struct DuplicateFinder: Sendable {
    /// 2^26 bits (8 MB): about one false alarm in ten million keys at a million distinct keys.
    private static let bitCount = 1 << 26
    private var bits = [UInt64](repeating: 0, count: DuplicateFinder.bitCount / 64)
    private var candidates: [String: Int] = [:]
    /// Lines of the launches that repeat an earlier one, in order.
    public private(set) var repeatLines: [Int] = []
    /// How many launches repeat an earlier one.
    public private(set) var repeats = 0
    /// How many repeat lines are kept to show.
    public static let shownLines = 10

    public init() {}

    /// Whether the first pass saw a key twice (then a second pass is needed).
    public var needsSecondPass: Bool { !candidates.isEmpty }

    /// First pass: notes `key`.
    public mutating func note(_ key: String) {
        let digest = SHA256Hex.digest(key)
        var seen = true
        for part in 0..<3 {
            let start = digest.index(digest.startIndex, offsetBy: part * 16)
            let word = UInt64(digest[start..<digest.index(start, offsetBy: 16)], radix: 16) ?? 0
            let bit = Int(word % UInt64(Self.bitCount))
            if bits[bit / 64] & (1 << UInt64(bit % 64)) == 0 {
                seen = false
                bits[bit / 64] |= 1 << UInt64(bit % 64)
            }
        }
        if seen { candidates[key] = 0 }
    }

    /// Second pass: counts `key`, found on `line`, if the first pass suspected it.
    public mutating func count(_ key: String, line: Int) {
        guard let seen = candidates[key] else { return }
        candidates[key] = seen + 1
        guard seen > 0 else { return }
        repeats += 1
        if repeatLines.count < Self.shownLines { repeatLines.append(line) }
    }
}
