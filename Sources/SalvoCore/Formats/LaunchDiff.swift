/// Two launches side by side, for `salvo diff`: their request fields, status and timing, then their bodies as
/// line diffs of canonical JSON ('-' only in the first, '+' only in the second).
public enum LaunchDiff {
    /// One launch to compare: its ledger id, how it ended, and its last attempt.
    public struct Side: Sendable {
        public var id: Int64
        public var result: LaunchResult
        public var last: RecordedAttempt

        public init(id: Int64, result: LaunchResult, last: RecordedAttempt) {
            self.id = id
            self.result = result
            self.last = last
        }
    }

    public static func lines(_ a: Side, _ b: Side) -> [String] {
        var lines: [String] = []
        func field(_ name: String, _ one: String, _ two: String) {
            lines.append(one == two ? "  \(name): \(one)" : "- \(name): \(one)\n+ \(name): \(two)")
        }
        field("launch", "#\(a.id)", "#\(b.id)")
        field("request", a.last.attempt.requestName, b.last.attempt.requestName)
        field("environment", a.last.attempt.environment, b.last.attempt.environment)
        field("url", a.last.attempt.url, b.last.attempt.url)
        field("recipient", a.last.attempt.identity.recipient, b.last.attempt.identity.recipient)
        field("result", a.result.rawValue, b.result.rawValue)
        field(
            "http status", a.last.outcome.flatMap { $0.outcome.httpStatus.map(String.init) } ?? "-",
            b.last.outcome.flatMap { $0.outcome.httpStatus.map(String.init) } ?? "-")
        field("error_text", a.last.outcome?.outcome.errorText ?? "-", b.last.outcome?.outcome.errorText ?? "-")
        field(
            "duration", a.last.outcome.map { "\(Int($0.outcome.durationMilliseconds.rounded())) ms" } ?? "-",
            b.last.outcome.map { "\(Int($0.outcome.durationMilliseconds.rounded())) ms" } ?? "-")
        lines.append("request body:")
        lines += difference(a.last.attempt.body, b.last.attempt.body)
        lines.append("response body:")
        lines += difference(a.last.outcome?.outcome.body ?? "", b.last.outcome?.outcome.body ?? "")
        return lines
    }

    /// A line diff of two texts, as canonical pretty JSON when both parse.
    public static func difference(_ one: String, _ two: String) -> [String] {
        func lines(_ text: String) -> [String] {
            let shown = (try? JSONParser.parse(text).sortedKeys.pretty) ?? text
            return shown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        let before = lines(one)
        let after = lines(two)
        let changes = after.difference(from: before)
        guard !changes.isEmpty else { return ["  (the same)"] }
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in changes {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var output: [String] = []
        var i = 0
        var j = 0
        while i < before.count || j < after.count {
            if i < before.count, removed.contains(i) {
                output.append("- " + before[i])
                i += 1
            } else if j < after.count, inserted.contains(j) {
                output.append("+ " + after[j])
                j += 1
            } else {
                if i < before.count { output.append("  " + before[i]) }
                i += 1
                j += 1
            }
        }
        return output
    }
}
