import Foundation
import Testing

/// The hostile-input corpus: malformed data files (kept in Fixtures/hostile, plus huge ones made here), import
/// files (Fixtures/import/malformed), editor documents, arguments and server answers, fed to the built binary.
/// Each must end with its documented exit code and a message, never a crash or a hang, the store unchanged.
/// Add every input that ever broke salvo here.
@Suite("Hostile input: never a crash or a hang, always the documented exit code and a message", .timeLimit(.minutes(5)))
struct HostileInputTests {
    static let corpus =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/hostile").path

    /// Each data file of the corpus with the exit code of `run --dry-run` and what its message says.
    static let dataFiles: [String: (status: Int32, message: String)] = [
        "bom-only.csv": (2, "the file is empty; it needs a header row"),
        "empty.csv": (2, "the file is empty; it needs a header row"),
        "deep.json": (2, "nesting deeper than 512 levels"),
        "duplicate-key.ndjson": (2, "duplicate key \"phone\""),
        "huge-number.json": (0, "1 launch(es) checked"),
        "invalid-utf8.csv": (2, "line 2: field 2 is not valid UTF-8"),
        "not-objects.json": (2, "each row must be a JSON object, not a number"),
        "nul-byte.csv": (2, "line 2: field 1 holds a NUL byte"),
        "ragged.csv": (2, "line 2: the row has 3 field(s) but the header has 2"),
        "truncated.ndjson": (2, "line 2: not valid JSON: unexpected end of input"),
        "unterminated-quote.csv": (2, "line 2: a quoted field is not closed"),
    ]

    /// A workspace with an environment on `url` and the request `promo` (phone and code from the data).
    static func prepared(url: String = "http://127.0.0.1:9") async throws -> Workspace {
        let work = try Workspace()
        try await work.addEnvironment("sb", url: url, extra: ["--guard", "0"])
        try await work.addRequest("promo", "--trigger", "1", "--phone", "{{phone}}", "--content", "code={{code}}")
        return work
    }

    /// Runs `arguments` and checks it ends (no signal) with `status`, `message` on stdout or stderr.
    static func expect(
        _ work: Workspace, _ arguments: [String], status: Int32, message: String, env: [String: String] = [:]
    ) async throws {
        let outcome = try await work.run(arguments, env: env)
        #expect(outcome.status == status, "\(arguments.prefix(4)): \(outcome.description.prefix(600))")
        #expect(
            (outcome.stdout + outcome.stderr).contains(message),
            "\(arguments.prefix(4)): \(outcome.description.prefix(600))")
    }

    @Test("data files: malformed, deep, huge numbers, NUL, invalid UTF-8, a 10 MB field, ten million commas")
    func dataFiles() async throws {
        let work = try await Self.prepared()
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus + "/data")
        #expect(Set(files) == Set(Self.dataFiles.keys), "every file of the corpus has its expectation")
        let before = try work.dump()
        for (file, expected) in Self.dataFiles {
            try await Self.expect(
                work, ["run", "promo", "--data", Self.corpus + "/data/" + file, "--dry-run"], status: expected.status,
                message: expected.message)
        }
        let field = work.folder + "/field.csv"
        try ("phone,code\n+79001234567," + String(repeating: "7", count: 10 << 20) + "\n")
            .write(toFile: field, atomically: false, encoding: .utf8)
        try await Self.expect(
            work, ["run", "promo", "--data", field, "--dry-run"], status: 0, message: "1 launch(es) checked")
        let commas = work.folder + "/commas.csv"
        try ("phone,code\n" + String(repeating: ",", count: 10_000_000) + "\n")
            .write(toFile: commas, atomically: false, encoding: .utf8)
        try await Self.expect(
            work, ["run", "promo", "--data", commas, "--dry-run"], status: 2, message: "line 2: the row has more than")
        // Sent for real, the refused files send nothing: the whole file is checked first.
        try await Self.expect(
            work, ["run", "promo", "--data", Self.corpus + "/data/ragged.csv"], status: 2, message: "line 2")
        #expect(try work.dump() == before, "the store is unchanged")
    }

    @Test("import files: truncated, wrong types, deep nesting, huge numbers, invalid UTF-8, NUL")
    func importFiles() async throws {
        let work = try await Self.prepared()
        let before = try work.dump()
        let deep = work.folder + "/deep.json"
        try (#"{"info": {"name": "x"}, "item": "# + String(repeating: "[", count: 5_000) + "\n")
            .write(toFile: deep, atomically: false, encoding: .utf8)
        try await Self.expect(work, ["import", deep], status: 2, message: "nesting deeper than 512 levels")
        let huge = work.folder + "/huge.json"
        try #"{"salvo": "bundle", "version": 1e999999, "requests": []}"#.write(
            toFile: huge, atomically: false, encoding: .utf8)
        try await Self.expect(work, ["import", huge], status: 2, message: "this bundle is version 1e999999")
        let nul = work.folder + "/nul.json"
        try "{\"info\": {\"name\": \"x\u{0}\"}, \"item\": [\u{0}]}".write(
            toFile: nul, atomically: false, encoding: .utf8)
        try await Self.expect(work, ["import", nul], status: 2, message: "not valid JSON")
        let bigNumberName = work.folder + "/name.json"
        try #"{"salvo": "bundle", "version": 1, "requests": [{"name": 12345678901234567890123, "body": {}}]}"#.write(
            toFile: bigNumberName, atomically: false, encoding: .utf8)
        try await Self.expect(work, ["import", bigNumberName], status: 2, message: "\"name\" must be a string")
        #expect(try work.dump() == before)
    }

    @Test("editor documents: truncated JSON, deep nesting, NUL, invalid UTF-8, a huge number as the trigger")
    func editorDocuments() async throws {
        let work = try await Self.prepared()
        let before = try work.dump()
        let documents: [(String, String)] = [
            ("printf '{\"name\": \"promo\", \"body\": {' > \"$1\"", "not valid JSON"),
            (
                "python3 -c \"print('['*3000)\" > \"$1\" 2>/dev/null || printf '%03000d' 0 | tr 0 '[' > \"$1\"",
                "not valid JSON"
            ),
            ("printf '{\"name\": \"pro\\000mo\"}' > \"$1\"", "not valid JSON"),
            ("printf '{\"name\": \"\\377\\376\"}' > \"$1\"", "UTF-8"),
            (
                "printf '{\"name\": \"promo\", \"body\": {\"id\": 99999999999999999999999999, \"phone\": \"+7\", \"matching\": \"phone\"}}' > \"$1\"",
                "\"id\" must be a positive integer"
            ),
        ]
        for (index, (script, message)) in documents.enumerated() {
            let editor = try work.script("editor-\(index).sh", script)
            try await Self.expect(
                work, ["request", "edit", "promo"], status: 2, message: message, env: ["EDITOR": editor])
        }
        #expect(try work.dump() == before)
    }

    @Test("arguments: overflowing numbers, control characters, 100 KB names, empty values")
    func arguments() async throws {
        let work = try await Self.prepared()
        let before = try work.dump()
        let cases: [[String]] = [
            ["run", "promo", "--concurrency", "99999999999999999999999"],
            ["run", "promo", "--rate", "1e309"],
            ["run", "promo", "--rate", "nan"],
            ["run", "promo", "--iterations", "-1"],
            ["send", "promo", "--timeout", "inf"],
            ["request", "add", String(repeating: "n", count: 100_000), "--trigger", "1", "--email", "a@x.io"],
            ["request", "add", "bell\u{7}name", "--trigger", "1", "--email", "a@x.io"],
            ["request", "add", "x", "--trigger", "99999999999999999999999", "--email", "a@x.io"],
            ["request", "add", "x", "--trigger", "1", "--email", ""],
            ["request", "add", "x", "--method", "a/../b", "--body", "{}"],
            ["request", "add", "x", "--method", "m", "--body", String(repeating: "[", count: 100_000)],
            ["send", "promo", "--var", "=value"],
            ["history", "--since", "yesterday-ish"],
            ["history", "show", "99999999999999999999999"],
            ["env", "add", "e", "--base-url", "http://[::1", "--token-env", "T"],
            ["export", "history", "--format", "xml"],
        ]
        for arguments in cases {
            let outcome = try await work.run(arguments)
            #expect(outcome.status == 2, "\(arguments.map { $0.prefix(40) }): \(outcome.description.prefix(400))")
            #expect(!outcome.stderr.isEmpty, "a message says what was wrong")
        }
        #expect(try work.dump() == before)
    }

    @Test(
        "server answers: truncated, invalid UTF-8, deep, huge, garbage status line, short body: recorded, never ok by mistake"
    )
    func serverAnswers() async throws {
        func http(
            _ status: String, _ body: [UInt8], headers: String = "Content-Type: application/json\r\n",
            length: Int? = nil
        ) -> [UInt8] {
            Array("HTTP/1.1 \(status)\r\n\(headers)Content-Length: \(length ?? body.count)\r\n\r\n".utf8) + body
        }
        let answers: [(name: String, reply: [UInt8], status: Int32, result: String)] = [
            ("truncated JSON", http("200 OK", Array(#"{"error":0,"data":{"#.utf8)), 3, "unknown"),
            ("invalid UTF-8", http("200 OK", [0xFF, 0xFE, 0x7B]), 3, "unknown"),
            ("deep nesting", http("200 OK", Array(String(repeating: "[", count: 100_000).utf8)), 3, "unknown"),
            (
                "huge numbers",
                http(
                    "200 OK", Array(#"{"error":0,"data":{"id":1234567890123456789012345678901234567890e99999}}"#.utf8)),
                0, "ok"
            ),
            (
                "huge error code",
                http("400 Bad Request", Array(#"{"error":99999999999999999999999,"error_text":"x"}"#.utf8)), 1,
                "rejected"
            ),
            ("no error code", http("200 OK", Array(#"{"data":{}}"#.utf8)), 3, "unknown"),
            (
                "HTML page",
                http("200 OK", Array("<html>maintenance</html>".utf8), headers: "Content-Type: text/html\r\n"), 3,
                "unknown"
            ),
            ("garbage status line", Array("NOT HTTP AT ALL\r\n\r\n".utf8), 3, "unknown"),
            ("short body", http("200 OK", Array(#"{"error":0}"#.utf8), length: 500), 3, "unknown"),
            ("NUL bytes", http("200 OK", [UInt8](repeating: 0, count: 1_000)), 3, "unknown"),
            ("20 MB body", http("200 OK", [UInt8](repeating: 0x20, count: 20 << 20)), 3, "unknown"),
        ]
        for answer in answers {
            let server = try HostileServer(reply: answer.reply)
            defer { server.stop() }
            let work = try await Self.prepared(url: server.url)
            let send = try await work.run([
                "send", "promo", "--var", "phone=+79001234567", "--var", "code=007", "--timeout", "10",
            ])
            #expect(send.status == answer.status, "\(answer.name): \(send.description.prefix(500))")
            let history = try await work.history()
            #expect(history.first?["result"] as? String == answer.result, "\(answer.name): \(history)")
            #expect(try await work.salvo("history", "show", "1").status == 0, "\(answer.name): shown")
            #expect(
                try await work.salvo("export", "history", "--format", "har").status == 0, "\(answer.name): exported")
            let verify = try await work.salvo("audit", "verify")
            #expect(verify.status == 0, "\(answer.name): the chain holds: \(verify)")
        }
    }
}
