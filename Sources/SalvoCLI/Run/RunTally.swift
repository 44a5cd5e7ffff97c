import Foundation
import SalvoCore
import SalvoHTTP

/// Counts a run's launches as they end, keeps a bounded sample of latencies, feeds the reports, and draws the
/// progress line: live on a terminal, a plain line every few seconds otherwise, nothing with `--quiet`.
actor RunTally: RunObserver {
    private(set) var counts: [LaunchResult: Int] = [:]
    private var latencies: [Double] = []
    private var seen = 0
    private let started = ContinuousClock.now
    private let total: Int
    private let reports: [LiveReport]
    private let console: Console
    private let progress: Progress
    private var ticker: Task<Void, Never>?
    private var generator = SystemRandomNumberGenerator()

    enum Progress {
        case live, periodic, quiet
    }

    /// Latencies kept for the percentiles (reservoir sampling beyond this many launches).
    static let sampleSize = 100_000

    init(total: Int, reports: [LiveReport], console: Console, progress: Progress) {
        self.total = total
        self.reports = reports
        self.console = console
        self.progress = progress
    }

    func finished(_ launch: FinishedLaunch) async {
        counts[launch.outcome.result, default: 0] += 1
        seen += 1
        if launch.outcome.result != .skipped {
            if latencies.count < Self.sampleSize {
                latencies.append(launch.outcome.durationMilliseconds)
            } else {
                let slot = Int.random(in: 0..<seen, using: &generator)
                if slot < Self.sampleSize { latencies[slot] = launch.outcome.durationMilliseconds }
            }
        }
        for report in reports { report.add(launch) }
    }

    func startProgress() {
        guard progress != .quiet else { return }
        let interval: Duration = progress == .live ? .milliseconds(200) : .seconds(5)
        ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                self.draw()
            }
        }
    }

    func stopProgress() {
        ticker?.cancel()
        if progress == .live { console.note("\r\u{1B}[2K", newline: false) }
    }

    private func draw() {
        let seconds = elapsedSeconds
        let rate = seconds > 0 ? Double(seen) / seconds : 0
        var line = "\(seen)/\(total)  \(String(format: "%.0f", rate))/s  ok \(counts[.ok] ?? 0)"
        line +=
            "  rejected \(counts[.rejected] ?? 0)  not sent \(counts[.notSent] ?? 0)  unknown \(counts[.unknown] ?? 0)"
        line += "  skipped \(counts[.skipped] ?? 0)"
        if rate > 0, seen < total { line += "  ETA \(Self.duration(Double(total - seen) / rate))" }
        if progress == .live {
            console.note("\r\u{1B}[2K" + line, newline: false)
        } else {
            console.note("progress: " + line)
        }
    }

    var elapsedSeconds: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Hands the live reports' buffered records to the system.
    func flushReports() {
        for report in reports { report.flush() }
    }

    /// The summary of what this invocation launched.
    func summary() -> RunSummary {
        let sorted = latencies.sorted()
        return RunSummary(
            counts: counts, launches: seen, seconds: elapsedSeconds, p50: RunSummary.percentile(sorted, 0.5),
            p95: RunSummary.percentile(sorted, 0.95), max: sorted.last)
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 60 ? "\(whole / 60)m\(whole % 60)s" : "\(whole)s"
    }
}

/// The figures printed at the end of a run and written to the reports.
struct RunSummary {
    var counts: [LaunchResult: Int]
    var launches: Int
    var seconds: Double
    var p50: Double?
    var p95: Double?
    var max: Double?

    var perSecond: Double { seconds > 0 ? Double(launches) / seconds : 0 }

    /// The `p` quantile (0...1) of `sorted`, nearest rank.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        sorted.isEmpty ? nil : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    var json: JSONValue {
        var object: [JSONValue.Member] = LaunchResult.allCases.map { .init($0.rawValue, .integer(counts[$0] ?? 0)) }
        object += [
            .init("launches", .integer(launches)), .init("seconds", .number(FixedPoint.three(seconds))),
            .init("per_second", .number(String(format: "%.1f", perSecond))),
            .init("p50_ms", p50.map { .number(FixedPoint.three($0)) } ?? .null),
            .init("p95_ms", p95.map { .number(FixedPoint.three($0)) } ?? .null),
            .init("max_ms", max.map { .number(FixedPoint.three($0)) } ?? .null),
        ]
        return .object(object)
    }
}
