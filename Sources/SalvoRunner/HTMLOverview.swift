import Foundation
import SalvoCore
import SalvoStorage

/// Gathers what the top of a run's HTML report shows: its facts, and from one pass over its launches in the
/// ledger the latencies and how many launches started in each stretch of the run.
struct HTMLOverview {
    let context: RunnerContext
    /// The most bars the launches-per-second chart has: a longer run gets wider buckets.
    static let timelineBars = 120

    func overview(_ info: RunInfo, totals: RunReportFormat.Totals) async throws -> HTMLReport.Overview {
        let now = context.clock()
        let start = (try? Timestamp.parse(info.startedAt, now: now)) ?? now
        // Buckets of a tenth of a second or more, in tenths.
        let bucket = max(1, (totals.seconds * 10 / Double(Self.timelineBars)).rounded(.up)) / 10
        var timeline = [Int](repeating: 0, count: max(1, Int((totals.seconds / bucket).rounded(.up))))
        var latencies: [Double] = []
        try await context.store.forEachLaunch(ofRun: info.id) { launch in
            if let outcome = launch.latest.outcome?.outcome, outcome.result != .skipped {
                latencies.append(outcome.durationMilliseconds)
            }
            guard let at = try? Timestamp.parse(launch.firstTriedAt, now: now) else { return }
            let index = Int(max(0, at.timeIntervalSince(start)) / bucket)
            timeline[min(timeline.count - 1, index)] += 1
        }
        latencies.sort()
        let summary = RunSummary(
            counts: info.counts, launches: info.launches, seconds: totals.seconds, latencies: latencies)
        return HTMLReport.Overview(
            run: info.id, state: info.state.rawValue, facts: facts(info, now: now), counts: info.counts,
            notAttempted: totals.notAttempted, summary: summary, latencies: latencies, timeline: timeline,
            bucketSeconds: bucket)
    }

    /// An object's members as `key value` pairs joined by `  ·  `, lists as their items, empty ones left out.
    static func readable(_ object: JSONValue, skipping: Set<String>) -> String {
        guard let members = object.members else { return object.compact }
        return members.compactMap { member -> String? in
            guard !skipping.contains(member.key) else { return nil }
            switch member.value {
            case .null: return nil
            case .array(let items) where items.isEmpty: return nil
            case .object(let fields) where fields.isEmpty: return nil
            case .array(let items):
                return "\(member.key) " + items.map { $0.stringValue ?? $0.compact }.joined(separator: ", ")
            case .string(let text): return "\(member.key) \(text)"
            default: return "\(member.key) \(member.value.compact)"
            }
        }.joined(separator: "  ·  ")
    }

    private func facts(_ info: RunInfo, now: Date) -> [HTMLReport.Fact] {
        [
            .init("kind", info.kind.rawValue),
            .init("started", info.startedAt),
            .init("finished", info.finishedAt ?? "(not finished)"),
            .init("by", "\(info.by.user) on \(info.by.host)"),
            .init("environment", info.environment),
            .init("selection", Self.readable(info.selection, skipping: ["targets"])),
            .init("data", info.dataFile ?? "(none)"),
            .init("data SHA-256", info.dataSHA256 ?? "(none)"),
            .init("settings", Self.readable(info.settings, skipping: [])),
            .init("report built", Timestamp.string(from: now)),
        ]
    }
}
