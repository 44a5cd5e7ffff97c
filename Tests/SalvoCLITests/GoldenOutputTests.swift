import ArgumentParser
import Foundation
import SalvoSandbox
import Testing

@testable import SalvoCLI

/// What users read, pinned: every command's `--help`, the tables, the run summary, dry runs, and the messages of
/// bad input, run in process against a temporary store and an in-process sandbox.
@Suite("Golden output: help, tables, summaries, dry runs, errors")
struct GoldenOutputTests {
    /// Every command path: `["env", "add"]`, ...
    static func commandPaths(_ command: any ParsableCommand.Type = Salvo.self, prefix: [String] = []) -> [[String]] {
        command.configuration.subcommands.flatMap { sub -> [[String]] in
            let path = prefix + [sub._commandName]
            return [path] + commandPaths(sub, prefix: path)
        }
    }

    @Test("--help of every command")
    func help() async throws {
        // Help wraps at the terminal's width: pinned to 80 columns whatever runs the tests.
        setenv("COLUMNS", "80", 1)
        let salvo = InProcess()
        for path in [[]] + Self.commandPaths() {
            let outcome = await salvo.run(path + ["--help"])
            #expect(outcome.status == 0, "\(path)")
            try Golden.check(outcome.stdout, "help/\(path.isEmpty ? "salvo" : path.joined(separator: "-")).txt")
        }
    }

    @Test("a session: the collection, sends, a run, history, runs, dry runs, a report")
    func session() async throws {
        let token = "golden-token-0123456789"
        var configuration = SandboxConfiguration(tokens: [token])
        configuration.port = 0
        configuration.triggers = [1, 5]
        let sandbox = try await SandboxServer.start(configuration)
        defer { Task { await sandbox.stop() } }
        let salvo = InProcess(environment: ["GOLDEN_TOKEN": token])
        let data = salvo.folder + "/fans.csv"
        try FileManager.default.createDirectory(atPath: salvo.folder, withIntermediateDirectories: true)
        try "email,name\na@x.io,Ann\nb@x.io,Bob\n+79000000000,007\n".write(
            toFile: data, atomically: true, encoding: .utf8)
        let commands: [[String]] = [
            ["env", "add", "sandbox", "--base-url", sandbox.url, "--token-env", "GOLDEN_TOKEN", "--guard", "0"],
            [
                "request", "add", "welcome", "--trigger", "1", "--email", "zaycev@example.com", "--folder",
                "onboarding",
                "--tag", "guide",
            ],
            ["request", "add", "fans", "--trigger", "5", "--email", "{{email}}", "--content", "name={{name}}"],
            ["env", "list"], ["request", "list"],
            ["request", "show", "fans", "--var", "email=a@x.io", "--var", "name=Ann"],
            ["send", "welcome", "--dry-run"], ["send", "welcome"],
            ["run", "fans", "--data", data, "--dry-run"], ["run", "fans", "--data", data, "--quiet"],
            ["history"], ["runs"], ["runs", "show", "2"], ["report", "2", "--format", "junit"],
            ["audit", "verify"],
        ]
        var steps: [(arguments: [String], outcome: InProcess.Outcome)] = []
        for command in commands {
            steps.append((command, await salvo.run(command)))
        }
        let transcript = Golden.transcript(steps).replacing(data, with: "<data>").replacing(
            sandbox.url, with: "<sandbox>")
        try Golden.check(transcript, "session.txt")
    }

    @Test("bad input: the message and the exit code")
    func errors() async throws {
        let salvo = InProcess(environment: ["ERRORS_TOKEN": "errors-token-0123456789"])
        await salvo.setUp([
            ["env", "add", "prod", "--base-url", "https://example.com", "--token-env", "ERRORS_TOKEN"],
            ["env", "add", "unset", "--base-url", "https://example.com", "--token-env", "NOT_SET_HERE"],
            ["request", "add", "welcome", "--trigger", "1", "--email", "a@x.io"],
        ])
        let commands: [[String]] = [
            ["env", "show", "nope"], ["request", "show", "nope"], ["send", "nope"],
            ["send", "welcome", "--env", "unset"],
            ["env", "add", "prod", "--base-url", "https://example.com", "--token-env", "X"],
            ["env", "add", "has space", "--base-url", "https://example.com", "--token-env", "X"],
            ["env", "add", "x", "--base-url", "example.com", "--token-env", "X"],
            ["request", "add", "bad", "--trigger", "0", "--email", "a@x.io"],
            ["run", "--resume", "99"], ["runs", "show", "99"], ["history", "show", "99"], ["replay", "99"],
            ["run", "welcome", "--data", "missing.csv"], ["run", "welcome", "--report", "xml=out.xml"],
            ["run", "welcome", "--concurrency", "0"], ["report", "1", "--format", "pdf"],
            ["history", "--status", "great"], ["export", "history", "--format", "xls"],
        ]
        var steps: [(arguments: [String], outcome: InProcess.Outcome)] = []
        for command in commands {
            steps.append((command, await salvo.run(command)))
        }
        try Golden.check(Golden.transcript(steps), "errors.txt")
    }
}
