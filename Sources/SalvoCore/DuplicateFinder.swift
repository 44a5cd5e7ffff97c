/// Finds the keys that occur more than once in a stream read twice, in memory that does not grow with the
/// stream: the first pass sets bits of a fixed Bloom filter and keeps only the keys it may have seen before
/// (true repeats, and rare false alarms); the second pass counts those exactly.
public struct DuplicateFinder<Key: Hashable & Sendable>: Sendable {
    /// 2^26 bits (8 MB): about one false alarm in ten million keys at a million distinct keys.
    private static var bitCount: Int { 1 << 26 }
    private var bits = [UInt64](repeating: 0, count: (1 << 26) / 64)
    private var candidates: [Key: Int] = [:]
    /// Lines of the launches that repeat an earlier one, in order.
    public private(set) var repeatLines: [Int] = []
    /// How many launches repeat an earlier one.
    public private(set) var repeats = 0
    /// How many repeat lines are kept to show.
    public static var shownLines: Int { 10 }

    public init() {}

    /// Whether the first pass saw a key twice (then a second pass is needed).
    public var needsSecondPass: Bool { !candidates.isEmpty }

    /// First pass: notes `key`.
    public mutating func note(_ key: Key) {
        // Three bit positions from two hashes (Kirsch-Mitzenmacher); Swift's hashing is seeded per process,
        // which is all a filter that lives for one command needs.
        var first = Hasher()
        first.combine(key)
        var second = Hasher()
        second.combine(0x5A17_0D05)
        second.combine(key)
        let a = UInt64(bitPattern: Int64(first.finalize()))
        let b = UInt64(bitPattern: Int64(second.finalize())) | 1
        var seen = true
        for index in 0..<UInt64(3) {
            let bit = Int((a &+ index &* b) % UInt64(Self.bitCount))
            if bits[bit >> 6] & (1 << UInt64(bit & 63)) == 0 {
                seen = false
                bits[bit >> 6] |= 1 << UInt64(bit & 63)
            }
        }
        if seen { candidates[key] = 0 }
    }

    /// Second pass: counts `key`, found on `line`, if the first pass suspected it.
    public mutating func count(_ key: Key, line: Int) {
        guard let seen = candidates[key] else { return }
        candidates[key] = seen + 1
        guard seen > 0 else { return }
        repeats += 1
        if repeatLines.count < Self.shownLines { repeatLines.append(line) }
    }
}
