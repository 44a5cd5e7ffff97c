import Foundation
import Testing

/// Output pinned in files under `Golden/`: compared after the volatile parts (times, ports, durations, ids
/// that change every run) are written as patterns. `make golden` (SALVO_RECORD_GOLDEN=1) re-records them; a
/// re-recorded file is a change to review, never a reflex.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static var recording: Bool { ProcessInfo.processInfo.environment["SALVO_RECORD_GOLDEN"] == "1" }

    /// The volatile parts of salvo's output (regular expressions) and the patterns that stand for them.
    static let patterns: [(String, String)] = [
        (#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"#, "<time>"),
        (#"127\.0\.0\.1:\d+"#, "127.0.0.1:<port>"),
        (#"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#, "<uuid>"),
        (#"fp:[0-9a-f]{12}"#, "fp:<fp>"),
        (#"\b[0-9a-f]{64}\b"#, "<hash>"),
        (#"\b[0-9a-f]{32}\b"#, "<uid>"),
        // The MS column of `history`: the latency, whose width would move the columns after it.
        (#" +\d+ +(Successful operation|Incorrect request)"#, " <ms> $1"),
        (#"HTTP MS +DETAIL"#, "HTTP MS DETAIL"),
        (#"\d+(?:\.\d+)? ms"#, "<n> ms"),
        (#"\d+\.\d+ s \(\d+/s\)"#, "<n> s (<n>/s)"),
        (#"time="\d+\.\d+""#, #"time="<n>""#),
        (#"salvo-cli-[0-9A-F-]{36}"#, "<folder>"),
    ]

    static func normalized(_ text: String) -> String {
        patterns.reduce(text) { text, pattern in
            guard let regex = try? Regex(pattern.0) else {
                Issue.record("bad pattern \(pattern.0) in Golden.patterns")
                return text
            }
            return text.replacing(regex) { match in
                // `$1` in a replacement stands for the first group.
                let group = match.output.count > 1 ? match.output[1].substring.map(String.init) ?? "" : ""
                return pattern.1.replacing("$1", with: group)
            }
        }
    }

    /// Compares `actual` (normalized) with the golden file `name`, or records it.
    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = folder.appendingPathComponent(name)
        let text = normalized(actual)
        if recording {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no golden file \(name); `make golden` records it", sourceLocation: sourceLocation)
            return
        }
        guard text != expected else { return }
        // What came instead, beside the golden file, to diff against it (ignored by git).
        try? text.write(to: file.appendingPathExtension("actual"), atomically: true, encoding: .utf8)
        Issue.record(
            "differs from Golden/\(name): `diff` it with Golden/\(name).actual; `make golden` re-records it",
            sourceLocation: sourceLocation)
    }

    /// A transcript of commands as a reader sees them: each command, its exit status, stdout and stderr.
    static func transcript(_ steps: [(arguments: [String], outcome: InProcess.Outcome)]) -> String {
        steps.map { step in
            var text = "$ salvo \(step.arguments.joined(separator: " "))\n"
            text += "exit \(step.outcome.status)\n"
            if !step.outcome.stdout.isEmpty { text += "--- stdout\n" + step.outcome.stdout }
            if !step.outcome.stderr.isEmpty { text += "--- stderr\n" + step.outcome.stderr }
            return text
        }.joined(separator: "\n")
    }
}
