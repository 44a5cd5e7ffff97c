import Foundation
import SalvoCore

/// Counts a run's launches as they end, keeps a bounded sample of latencies and feeds the live reports; a
/// progress display reads `progress` as it likes.
public actor RunTally: RunObserver {
    private(set) var counts: [LaunchResult: Int] = [:]
    private var latencies: [Double] = []
    private var seen = 0
    private let started = ContinuousClock.now
    private let total: Int
    private let reports: [LiveReport]
    private var generator = SystemRandomNumberGenerator()

    /// Latencies kept for the percentiles (reservoir sampling beyond this many launches).
    static let sampleSize = 100_000

    init(total: Int, reports: [LiveReport]) {
        self.total = total
        self.reports = reports
    }

    public func finished(_ launch: FinishedLaunch) async {
        counts[launch.outcome.result, default: 0] += 1
        seen += 1
        if let latency = launch.outcome.latency {
            if latencies.count < Self.sampleSize {
                latencies.append(latency)
            } else {
                let slot = Int.random(in: 0..<seen, using: &generator)
                if slot < Self.sampleSize { latencies[slot] = latency }
            }
        }
        for report in reports { report.add(launch) }
    }

    /// Launches this process made that ended.
    var launched: Int { seen }

    /// A shared run's launches by every runner: at this runner's first heartbeat, and at its latest.
    private var runLaunches: (first: Int, latest: Int)?

    /// What a shared run's heartbeat said all its runners have launched so far.
    func heard(runLaunches: Int) {
        self.runLaunches = (self.runLaunches?.first ?? runLaunches, runLaunches)
    }

    /// Where the run stands now, for a progress line: for a shared run, all its runners' launches and pace.
    public var progress: RunProgress {
        var progress = RunProgress(counts: counts, launches: seen, total: total, seconds: elapsedSeconds)
        if let runLaunches {
            progress.launches = max(runLaunches.latest, seen)
            progress.pace = Double(runLaunches.latest - runLaunches.first) / max(elapsedSeconds, 0.001)
        }
        return progress
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
        RunSummary(counts: counts, launches: seen, seconds: elapsedSeconds, latencies: latencies.sorted())
    }
}

/// A run's figures while it goes.
public struct RunProgress: Sendable {
    /// Launches that ended, by result.
    public var counts: [LaunchResult: Int]
    /// How many ended so far, of `total` (this invocation's share of the run).
    public var launches: Int
    public var total: Int
    public var seconds: Double

    public init(counts: [LaunchResult: Int], launches: Int, total: Int, seconds: Double) {
        self.counts = counts
        self.launches = launches
        self.total = total
        self.seconds = seconds
    }

    /// Launches per second; for a shared run, of all its runners since this one joined.
    public var perSecond: Double { pace ?? (seconds > 0 ? Double(launches) / seconds : 0) }
    var pace: Double?

    /// Seconds left at the pace so far, when there is a pace.
    public var secondsLeft: Double? {
        perSecond > 0 && launches < total ? Double(total - launches) / perSecond : nil
    }
}
