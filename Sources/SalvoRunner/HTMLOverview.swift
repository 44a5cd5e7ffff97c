import Foundation
import SalvoCore
import SalvoStorage

/// What the top of a run's HTML report shows: its facts, totals and charts.
enum HTMLOverview {
    /// The most bars the launches-per-second chart has: a longer run gets wider buckets.
    static let timelineBars = 120

    static func overview(
        _ info: RunInfo, totals: RunReportFormat.Totals, summary: RunSummary, figures: RunFigures, now: Date
    ) -> HTMLReport.Overview {
        let timeline = figures.timeline(bars: timelineBars)
        return HTMLReport.Overview(
            run: info.id, state: info.state.rawValue, facts: facts(info, now: now), counts: info.counts,
            notAttempted: totals.notAttempted, summary: summary, latencies: figures.latencies,
            timeline: timeline.counts, bucketSeconds: timeline.bucket)
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

    private static func facts(_ info: RunInfo, now: Date) -> [HTMLReport.Fact] {
        [
            .init("kind", info.kind.rawValue),
            .init("started", info.startedAt),
            .init("finished", info.finishedAt ?? "(not finished)"),
            .init("by", "\(info.by.user) on \(info.by.host)"),
            .init("environment", info.environment),
            .init("selection", readable(info.selection, skipping: ["targets"])),
            .init("data", info.dataFile ?? "(none)"),
            .init("data SHA-256", info.dataSHA256 ?? "(none)"),
            .init("settings", readable(info.settings, skipping: [])),
            .init("report built", Timestamp.string(from: now)),
        ]
    }
}
