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

    /// Delivers a launch once per de-duplication key within a day, in one step: a repeat arriving while the first
    /// is still being handled gets the first one's answer, like the platform's. `answer` gets the delivery's
    /// number and returns the status, the body and whether the launch was accepted (only then is it remembered).
    func deliverOnce(
        _ key: String, now: Date, answer: (Int) -> (status: Int, body: String, accepted: Bool)
    ) -> (status: Int, body: String, delivered: Bool, duplicate: Bool) {
        if let earlier = delivered[key], now.timeIntervalSince(earlier.at) < 86_400 {
            return (earlier.status, earlier.body, false, true)
        }
        deliveries += 1
        let result = answer(deliveries)
        if result.accepted { delivered[key] = Remembered(status: result.status, body: result.body, at: now) }
        return (result.status, result.body, result.accepted, false)
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
