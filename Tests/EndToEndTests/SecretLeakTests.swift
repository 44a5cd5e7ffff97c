import Foundation
import Testing

@Suite("Secrets: the token appears only in its own column and where asked for by name", .timeLimit(.minutes(5)))
struct SecretLeakTests {
    static let token = "SECRET-e2e-4242-token"

    @Test("after every environment and request command, no output and no other column holds the token")
    func noLeak() async throws {
        let work = try Workspace()
        var outputs: [Outcome] = []
        func run(_ arguments: String..., stdin: String? = nil) async throws {
            let outcome = try await work.run(arguments, stdin: stdin)
            #expect(outcome.status == 0, "\(arguments): \(outcome)")
            outputs.append(outcome)
        }
        try await run(
            "env", "add", "prod", "--base-url", "https://example.com", "--token-stdin", stdin: Self.token + "\n")
        try await run(
            "env", "add", "b", "--base-url", "https://example.com", "--token-stdin", "--auth", "bearer",
            stdin: Self.token)
        try await run("env", "list")
        try await run("env", "list", "--json")
        try await run("env", "show", "prod")
        try await run("env", "show", "prod", "--json")
        try await run("env", "edit", "prod", "--var", "a=1", "--guard", "1h")
        try await run("env", "edit", "b", "--token-stdin", stdin: Self.token + "-rotated")
        try await run("env", "rename", "b", "bearer-env")
        try await run("request", "add", "w", "--trigger", "1", "--email", "a@x.io", "--env", "prod")
        try await run("request", "add", "v", "--trigger", "1", "--email", "a@x.io", "--env", "bearer-env")
        try await run("request", "list")
        try await run("request", "list", "--json")
        try await run("request", "show", "w")
        try await run("request", "show", "w", "--json")
        try await run("request", "show", "v")
        try await run("request", "show", "v", "--json")
        try await run("request", "edit", "w", "--tag", "x")
        try await run("request", "copy", "w", "w2")
        try await run("env", "remove", "bearer-env", "--force")
        try await run("audit", "log")
        try await run("audit", "log", "--json")
        try await run("store", "info")
        try await run("store", "info", "--json")
        for outcome in outputs {
            #expect(!outcome.stdout.contains("SECRET-e2e"), "\(outcome)")
            #expect(!outcome.stderr.contains("SECRET-e2e"), "\(outcome)")
        }
        #expect(try !work.dump(excludingTokenColumn: true).contains("SECRET-e2e"))
        #expect(try work.dump().contains(Self.token), "the token is kept in its own column")

        let reveal = try await work.salvo("env", "show", "prod", "--reveal")
        #expect(reveal.stdout.contains(Self.token), "shown when asked for by name")
    }

    @Test("after sends (ok, rejected, skipped, dry run) the ledger, history and the sandbox's log hold no token")
    func noLeakInLedger() async throws {
        let sandbox = try await TestSandbox.start { $0.tokens = [Self.token] }
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("body", url: sandbox.url, token: Self.token)
        try await work.addEnvironment("bearer", url: sandbox.url, token: Self.token, extra: ["--auth", "bearer"])
        try await work.addEnvironment("wrong", url: sandbox.url, token: Self.token + "-wrong")
        try await work.addRequest("w", "--trigger", "1", "--email", "a@x.io")
        try await work.addRequest("echo", "--trigger", "1", "--email", "a@x.io", "--content", "t={{t}}")
        var outputs: [Outcome] = []
        for arguments in [
            ["send", "w", "--env", "body"], ["send", "w", "--env", "body"],
            ["send", "w", "--env", "bearer", "--force"],
            ["send", "w", "--env", "wrong"], ["send", "w", "--env", "body", "--dry-run"],
            ["send", "w", "--env", "bearer", "--dry-run", "--json"],
            ["send", "w", "--env", "body", "--json", "--force"],
            ["send", "echo", "--env", "body", "--var", "t=\(Self.token)", "--force"],
            ["history"], ["history", "--json"], ["history", "show", "1"], ["history", "show", "5", "--json"],
            ["history", "show", "7"], ["request", "show", "w", "--env", "bearer"],
            ["export", "history"], ["export", "history", "--format", "json"], ["export", "history", "--format", "csv"],
            ["export", "history", "--format", "har"], ["export", "collection"],
            ["export", "collection", "--format", "salvo"], ["export", "collection", "--env", "bearer"],
            ["export", "env", "body", "--format", "postman"], ["export", "env", "bearer"],
            ["export", "curl", "w", "--env", "bearer"], ["export", "curl", "1"], ["audit", "verify"], ["runs"],
            ["runs", "show", "1", "--json"], ["replay", "1", "--dry-run"], ["replay", "1", "--force"],
        ] {
            outputs.append(try await work.run(arguments))
        }
        for run in 1...12 {
            for format in ["json", "junit", "html"] {
                outputs.append(try await work.run(["report", "\(run)", "--format", format]))
            }
        }
        #expect(outputs.filter { $0.stdout.contains("<!DOCTYPE html>") }.count == 7, "every run's HTML report was read")
        for outcome in outputs {
            #expect(!outcome.stdout.contains("SECRET-e2e") && !outcome.stderr.contains("SECRET-e2e"), "\(outcome)")
        }
        #expect(try !work.dump(excludingTokenColumn: true).contains("SECRET-e2e"))
        let log = await sandbox.records().map { "\($0.headers) \($0.body) \($0.response)" }.joined()
        #expect(!log.contains("SECRET-e2e"))
        #expect(try await work.history().count == 7)
        let revealed = try await work.salvo("export", "curl", "1", "--include-secrets")
        #expect(revealed.stdout.contains(Self.token), "given only when asked for by name")
        for format in ["ndjson", "json", "csv", "har"] {
            let asked = try await work.salvo("export", "history", "--format", format, "--include-secrets")
            #expect(asked.status == 0 && asked.stderr.contains("warning: the export holds API tokens"), "\(asked)")
            #expect(asked.stdout.contains(Self.token) == (format != "csv"), "\(format): the token when asked for")
        }
        let environment = try await work.salvo("export", "env", "bearer", "--include-secrets")
        #expect(environment.stdout.contains(Self.token) && environment.stderr.contains("warning:"))
    }
}
