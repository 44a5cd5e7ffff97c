import Foundation
import SalvoCore

/// What the sandbox remembers: every request received, and the answers to delivered launches by their
/// de-duplication key (kept for a day, like the platform).
actor SandboxState {
    struct Remembered {
        var status: Int
        var body: String
        var at: Date
    }

    private(set) var records: [SandboxRecord] = []
    private var delivered: [String: Remembered] = [:]
    private var random: SplitMix64
    private var deliveries = 0

    init(seed: UInt64?) {
        random = SplitMix64(seed: seed ?? UInt64.random(in: 1...UInt64.max))
    }

    /// Draws a number in 0..<1 for a misbehaviour decision.
    func roll() -> Double {
        Double(random.next() >> 11) / Double(1 << 53)
    }

    /// The remembered answer for a de-duplication key, if seen within a day.
    func remembered(_ key: String, now: Date) -> Remembered? {
        guard let answer = delivered[key], now.timeIntervalSince(answer.at) < 86_400 else { return nil }
        return answer
    }

    /// Remembers a delivered launch's answer under its de-duplication key.
    func deliver(_ key: String, status: Int, body: String, now: Date) {
        delivered[key] = Remembered(status: status, body: body, at: now)
    }

    /// The next delivery's number.
    func nextDelivery() -> Int {
        deliveries += 1
        return deliveries
    }

    func append(_ record: SandboxRecord) {
        var record = record
        record.seq = records.count + 1
        records.append(record)
    }

    func clear() {
        records.removeAll()
    }
}
