import Foundation
import SalvoCore
import SalvoStorage

/// A run's figures for its reports, from one pass over its launches in the ledger: the latencies of answered
/// launches, when each launch was first tried, and the time the run spent launching. That time leaves out
/// the stretches it lay stopped (killed, then resumed later) and does not grow after its last answer: a
/// launch's first try and its latest try (attempt to answer) count, and moments closer than `gap` are one
/// stretch.
struct RunFigures {
    /// Answered launches' latencies in milliseconds, sorted.
    var latencies: [Double] = []
    /// Seconds since 1970 of each launch's first try, sorted.
    var starts: [Double] = []
    /// Seconds the run spent launching.
    var seconds = 0.0

    /// A pause longer than this (and than a few of the run's paced intervals) is time the run lay stopped.
    static let pause = 5.0

    static func read(_ info: RunInfo, from store: any Storage) async throws -> RunFigures {
        var figures = RunFigures()
        var spans: [(start: Double, end: Double)] = []
        try await store.forEachLaunch(ofRun: info.id) { launch in
            if let latency = launch.latest.outcome?.outcome.latency { figures.latencies.append(latency) }
            guard let first = Timestamp.seconds(ofStored: launch.firstTriedAt) else { return }
            figures.starts.append(first)
            spans.append((first, first))
            // The latest try, from its attempt to its answer (one a resume sent after a pause stands apart).
            if let tried = Timestamp.seconds(ofStored: launch.latest.at), tried > first {
                let answered = launch.latest.outcome.flatMap { Timestamp.seconds(ofStored: $0.at) } ?? tried
                spans.append((tried, max(tried, answered)))
            } else if let answered = launch.latest.outcome.flatMap({ Timestamp.seconds(ofStored: $0.at) }) {
                spans[spans.count - 1].end = max(first, answered)
            }
        }
        figures.latencies.sort()
        figures.starts.sort()
        spans.sort { $0.start < $1.start }
        figures.seconds = activeSeconds(spans, gap: gap(info.record))
        return figures
    }

    /// The longest pause that still counts as launching: 5 s, or three of the run's paced intervals.
    static func gap(_ record: RunRecord) -> Double {
        max(pause, record.rate.map { 3 / $0 } ?? 0, record.delayMilliseconds.map { 3 * Double($0) / 1000 } ?? 0)
    }

    /// The length of `spans` (sorted by start) merged across pauses of at most `gap`.
    static func activeSeconds(_ spans: [(start: Double, end: Double)], gap: Double) -> Double {
        guard var stretch = spans.first else { return 0 }
        var total = 0.0
        for span in spans.dropFirst() {
            if span.start > stretch.end + gap {
                total += stretch.end - stretch.start
                stretch = span
            } else {
                stretch.end = max(stretch.end, span.end)
            }
        }
        return total + stretch.end - stretch.start
    }

    /// Launches first tried in each of at most `bars` equal stretches (a tenth of a second or more) from the
    /// first one; the stretch's length in seconds.
    func timeline(bars: Int) -> (counts: [Int], bucket: Double) {
        guard let first = starts.first, let last = starts.last else { return ([], 0.1) }
        let span = last - first
        let bucket = max(1, (span * 10 / Double(bars)).rounded(.up)) / 10
        var counts = [Int](repeating: 0, count: min(bars, Int(span / bucket) + 1))
        for start in starts { counts[min(counts.count - 1, Int((start - first) / bucket))] += 1 }
        return (counts, bucket)
    }
}
