import ArgumentParser
import SalvoCore
import SalvoStore

/// `salvo diff ID ID`: two launches side by side.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two launches: what differs in the request as sent, the response, the status and timing.",
        discussion: """
            Bodies are compared as canonical JSON (keys sorted), line by line:
            '-' lines are only in the first launch, '+' lines only in the second.
            Each launch is its last attempt. Exit 0 whether or not they differ.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The first launch's ledger id.") var first: Int64
    @Argument(help: "The second launch's ledger id.") var second: Int64

    func run() throws {
        let context = CommandContext(global)
        let (a, b) = try context.withStore { store in (try store.launch(id: first), try store.launch(id: second)) }
        guard let left = a.attempts.last, let right = b.attempts.last else { return }
        var lines: [String] = []
        func field(_ name: String, _ one: String, _ two: String) {
            lines.append(one == two ? "  \(name): \(one)" : "- \(name): \(one)\n+ \(name): \(two)")
        }
        field("launch", "#\(a.line.id)", "#\(b.line.id)")
        field("request", left.attempt.requestName, right.attempt.requestName)
        field("environment", left.attempt.environment, right.attempt.environment)
        field("url", left.attempt.url, right.attempt.url)
        field("recipient", left.attempt.identity.recipient, right.attempt.identity.recipient)
        field("result", a.line.result.rawValue, b.line.result.rawValue)
        field(
            "http status", left.outcome.flatMap { $0.outcome.httpStatus.map(String.init) } ?? "-",
            right.outcome.flatMap { $0.outcome.httpStatus.map(String.init) } ?? "-")
        field("error_text", left.outcome?.outcome.errorText ?? "-", right.outcome?.outcome.errorText ?? "-")
        field(
            "duration", left.outcome.map { "\(Int($0.outcome.durationMilliseconds.rounded())) ms" } ?? "-",
            right.outcome.map { "\(Int($0.outcome.durationMilliseconds.rounded())) ms" } ?? "-")
        lines.append("request body:")
        lines += Self.difference(left.attempt.body, right.attempt.body)
        lines.append("response body:")
        lines += Self.difference(left.outcome?.outcome.body ?? "", right.outcome?.outcome.body ?? "")
        context.console.out(lines.joined(separator: "\n"))
    }

    /// A line diff of two texts, as canonical pretty JSON when both parse.
    static func difference(_ one: String, _ two: String) -> [String] {
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
