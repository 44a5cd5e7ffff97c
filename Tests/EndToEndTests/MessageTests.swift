import Foundation
import Testing

/// Messages that help: each says what is wrong and what to do, with the documented exit code.
@Suite("Messages that help", .timeLimit(.minutes(5)))
struct MessageTests {
    @Test("TLS against a plain-HTTP port says to use http://, with no library dump")
    func plainHTTPPort() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("tls", url: sandbox.url.replacing("http://", with: "https://"))
        try await work.addRequest("w", "--trigger", "1", "--email", "a@example.com")
        let send = try await work.salvo("send", "w")
        let said = send.stdout + send.stderr
        #expect(send.status == 3 && said.contains("does not speak TLS; use http://"), "\(send)")
        #expect(!said.contains("checkouts") && !said.contains("BoringSSL"), "\(send)")
    }

    @Test("store check on a damaged store prints SQLite's findings, exit 4")
    func damagedStore() async throws {
        let work = try Workspace()
        try await work.addEnvironment("sb", url: "http://127.0.0.1:9")
        for index in 0..<40 {
            try await work.addRequest("r\(index)", "--trigger", "1", "--email", "a\(index)@example.com")
        }
        // Every page in the main file (none left in the write-ahead log), then some overwritten.
        #expect(try await work.sqlite("PRAGMA wal_checkpoint(TRUNCATE)").status == 0)
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: work.store))
        try file.seek(toOffset: 8_192)
        try file.write(contentsOf: Data(repeating: 0xA5, count: 4_096))
        try file.close()
        let check = try await work.salvo("store", "check")
        #expect(check.status == 4 && check.stderr.contains("is damaged"), "\(check)")
        #expect(check.stdout.contains("Page") || check.stdout.contains("SQLite:"), "SQLite's findings: \(check)")
    }

    @Test("request edit with no editor and no terminal refuses and says what to set")
    func noEditor() async throws {
        let work = try Workspace()
        try await work.addEnvironment("sb", url: "http://127.0.0.1:9")
        try await work.addRequest("w", "--trigger", "1", "--email", "a@example.com")
        let before = try work.dump()
        let edit = try await work.run(["request", "edit", "w"], stdin: "", unsetting: ["EDITOR", "VISUAL"])
        #expect(edit.status == 2 && edit.stderr.contains("set $EDITOR"), "\(edit)")
        #expect(try work.dump() == before)
    }

    @Test("a base URL with the API's path gets a warning; a mistyped command gets a suggestion")
    func warningsAndSuggestions() async throws {
        let work = try Workspace()
        let add = try await work.run(
            ["env", "add", "x", "--base-url", "https://example.com/api/v1.1/", "--token-stdin"], stdin: "t")
        #expect(add.status == 0 && add.stderr.contains("warning: the base URL ends in /api/v1.1"), "\(add)")
        let edit = try await work.salvo("env", "edit", "x", "--base-url", "https://example.com/api/v1.1")
        #expect(edit.status == 0 && edit.stderr.contains("ends in /api/v1.1"), "\(edit)")
        let typo = try await work.salvo("reqest", "list")
        #expect(typo.status == 2 && typo.stderr.contains("did you mean 'request'?"), "\(typo)")
    }

    @Test("replay --dry-run shows no Request-ID it will not use, and says when the guard would skip it")
    func replayDryRun() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url, extra: ["--guard", "1h"])
        try await work.addRequest("w", "--trigger", "1", "--email", "a@example.com")
        #expect(try await work.salvo("send", "w").status == 0)
        let dry = try await work.salvo("replay", "1", "--dry-run")
        #expect(dry.status == 0 && dry.stdout.contains("Request-ID: (a new one when sent)"), "\(dry)")
        #expect(dry.stderr.contains("the guard would skip it") && dry.stderr.contains("--force"), "\(dry)")
        #expect(await sandbox.records().count == 1, "a dry run sends nothing")
    }

    @Test("a Postman collection with a byte order mark imports; a v1 collection is told to re-export as v2.1")
    func postmanFiles() async throws {
        let work = try Workspace()
        let collection = """
            {"info":{"name":"c","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
             "item":[{"name":"welcome","request":{"method":"POST","url":"{{baseUrl}}/api/v1.1/campaigns/triggers/start",
             "body":{"mode":"raw","raw":"{\\"token\\":\\"{{token}}\\",\\"id\\":1,\\"email\\":\\"a@example.com\\"}"}}}]}
            """
        try Data([0xEF, 0xBB, 0xBF] + Array(collection.utf8)).write(to: URL(fileURLWithPath: work.folder + "/bom.json"))
        let imported = try await work.salvo("import", work.folder + "/bom.json")
        #expect(imported.status == 0, "\(imported)")
        try #"{"id":"x","name":"old","order":["a"],"requests":[{"id":"a","url":"http://x","method":"POST"}]}"#
            .write(toFile: work.folder + "/v1.json", atomically: true, encoding: .utf8)
        let v1 = try await work.salvo("import", work.folder + "/v1.json")
        #expect(v1.status == 2 && v1.stderr.contains("export the collection again as Collection v2.1"), "\(v1)")
    }
}
