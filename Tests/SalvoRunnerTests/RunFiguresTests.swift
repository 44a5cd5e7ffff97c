import Foundation
import SalvoCore
import Testing

@testable import SalvoRunner

@Suite("Run figures: the time a run spent launching")
struct RunFiguresTests {
    @Test("stored timestamps are read as Foundation reads them")
    func timestamps() throws {
        for text in [
            "2026-11-29T01:27:06.123Z", "1970-01-01T00:00:00.000Z", "2000-02-29T23:59:59.999Z",
            "2026-03-01T00:00:00Z", "1999-12-31T12:00:00.5Z",
        ] {
            let expected = try Timestamp.parse(text, now: Date()).timeIntervalSince1970
            let seconds = try #require(Timestamp.seconds(ofStored: text), "\(text)")
            #expect(abs(seconds - expected) < 0.0005, "\(text): \(seconds) against \(expected)")
        }
        for bad in ["", "2026-11-29", "2026-13-01T00:00:00Z", "2026-11-29T01:27:06.123", "2026-11-29T01:x7:06Z"] {
            #expect(Timestamp.seconds(ofStored: bad) == nil, "\(bad)")
        }
    }

    @Test("a stretch of launches counts from its first try to its last answer; a long pause does not count")
    func activeSeconds() {
        #expect(RunFigures.activeSeconds([], gap: 5) == 0)
        #expect(RunFigures.activeSeconds([(0, 1), (0.5, 2), (3, 4)], gap: 5) == 4)
        // Killed at 4 s, resumed 90 s later for 2 s: 6 s of launching, not 96.
        #expect(RunFigures.activeSeconds([(0, 2), (1, 4), (94, 95), (95, 96)], gap: 5) == 6)
        #expect(RunFigures.activeSeconds([(0, 1), (7, 8)], gap: 10) == 8, "paced launches 6 s apart are one stretch")
    }

    @Test("the pause that still counts follows the run's pace")
    func gap() {
        var record = RunRecord()
        #expect(RunFigures.gap(record) == 5)
        record.rate = 0.1
        #expect(RunFigures.gap(record) == 30)
        record.rate = nil
        record.delayMilliseconds = 4_000
        #expect(RunFigures.gap(record) == 12)
    }

    @Test("the launches-per-second chart has at most its bars, each a tenth of a second or more")
    func timeline() {
        var figures = RunFigures()
        figures.starts = [100, 100.05, 100.35, 100.36]
        let short = figures.timeline(bars: 120)
        #expect(short.bucket == 0.1 && short.counts == [2, 0, 0, 2])
        figures.starts = (0..<1000).map { Double($0) }
        let long = figures.timeline(bars: 120)
        #expect(long.counts.count <= 120 && long.counts.reduce(0, +) == 1000)
    }
}
