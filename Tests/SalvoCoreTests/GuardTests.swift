import Foundation
import Testing

@testable import SalvoCore

@Suite("The duplicate guard's keys and the dry run's duplicate finder")
struct GuardTests {
    @Test("the content key ignores which token a mask stands for, and nothing else")
    func contentKey() {
        let method = LaunchRequest.triggerMethod
        let first = LaunchAttempt.contentKey(method: method, body: #"{"token":"<token fp:0123456789ab>","id":1}"#)
        let rotated = LaunchAttempt.contentKey(method: method, body: #"{"token":"<token fp:ba9876543210>","id":1}"#)
        let other = LaunchAttempt.contentKey(method: method, body: #"{"token":"<token fp:0123456789ab>","id":2}"#)
        #expect(first == rotated)
        #expect(first != other)
        #expect(LaunchAttempt.withMasksAlike("a <token fp:1> b <token fp:2") == "a <token> b <token fp:2")
    }

    @Test("the finder reports repeats exactly, with their lines, in a fixed amount of memory")
    func finder() {
        var finder = DuplicateFinder<String>()
        let keys = (0..<5_000).map { "key-\($0 % 4_000)" }
        for key in keys { finder.note(key) }
        #expect(finder.needsSecondPass)
        for (line, key) in keys.enumerated() { finder.count(key, line: line + 2) }
        #expect(finder.repeats == 1_000)
        #expect(finder.repeatLines == Array(4_002..<4_012))
        var distinct = DuplicateFinder<String>()
        for index in 0..<20_000 { distinct.note("row \(index)") }
        #expect(!distinct.needsSecondPass, "no false alarm among 20,000 distinct keys")
    }

    @Test("a run record reads back what it wrote, and reads the records of older runs")
    func runRecord() {
        var record = RunRecord()
        record.targets = [.init(request: "r", requestUID: "u1", environment: "e", environmentUID: "u2")]
        record.timeoutSeconds = 0.5
        record.variables = ["k": "v"]
        record.rate = 12.5
        record.planned = 7
        record.reports = ["junit=/tmp/r.xml"]
        #expect(RunRecord(selection: record.selection, settings: record.settings, environment: "x") == record)
        let old = RunRecord(
            selection: ["requests": [.string("welcome")]], settings: ["timeout_seconds": .number("30")],
            environment: "prod")
        #expect(old.targets == [.init(request: "welcome", requestUID: nil, environment: "prod", environmentUID: nil)])
    }
}
