import Foundation
import SalvoTestSupport
import Testing

@Suite("salvo export: history and curl", .timeLimit(.minutes(5)))
struct ExportTests {
    @Test("history exports as NDJSON, JSON and CSV with every attempt, filters applied, no token")
    func history() async throws {
        let sandbox = try await TestSandbox.start { $0.triggers = [1] }
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url, extra: ["--guard", "0"])
        try await work.addRequest("ok", "--trigger", "1", "--email", "a,b@x.io", "--content", #"q="quoted""#)
        try await work.addRequest("bad", "--trigger", "9", "--email", "c@x.io")
        #expect(try await work.salvo("send", "ok").status == 0)
        #expect(try await work.salvo("send", "bad").status == 1)
        let ndjson = try await work.salvo("export", "history")
        #expect(ndjson.status == 0)
        let lines = ndjson.stdout.lines
        #expect(lines.count == 2)
        let first = try #require(try String(lines[0]).json() as? [String: Any])
        #expect(first["request"] as? String == "ok")
        #expect((first["outcome"] as? [String: Any])?["result"] as? String == "ok")
        #expect((first["request_body"] as? String)?.contains("<token fp:") == true)
        let json = try #require(try await work.salvo("export", "history", "--format", "json").stdout.json() as? [Any])
        #expect(json.count == 2)
        let csv = try await work.salvo("export", "history", "--format", "csv", "--status", "rejected")
        #expect(csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2)
        #expect(csv.stdout.hasPrefix("ledger_id,at,user,host,environment,request,trigger,recipient,result"))
        #expect(csv.stdout.contains(",bad,9,c@x.io,rejected,400,Trigger mailing #9 not found or not active,"))
        let quoted = try await work.salvo("export", "history", "--format", "csv", "--request", "ok")
        #expect(quoted.stdout.contains(#","a,b@x.io","#) || quoted.stdout.contains(#""a,b@x.io""#))
        let har = try #require(
            try await work.salvo("export", "history", "--format", "har").stdout.json() as? [String: Any])
        let log = try #require(har["log"] as? [String: Any])
        #expect(log["version"] as? String == "1.2")
        let entries = try #require(log["entries"] as? [[String: Any]])
        #expect(entries.count == 2)
        for entry in entries {
            for key in ["startedDateTime", "time", "request", "response", "cache", "timings"] {
                #expect(entry[key] != nil, "HAR entries need \(key)")
            }
            let request = try #require(entry["request"] as? [String: Any])
            #expect(request["method"] as? String == "POST" && (request["headers"] as? [Any]) != nil)
            let response = try #require(entry["response"] as? [String: Any])
            let statusText = [200: "OK", 400: "Bad Request"][response["status"] as? Int ?? 0]
            #expect(response["statusText"] as? String == statusText, "HAR's statusText from the status")
            #expect(((request["postData"] as? [String: Any])?["text"] as? String)?.contains("<token fp:") == true)
        }
        #expect((entries[1]["response"] as? [String: Any])?["status"] as? Int == 400)
        let out = work.folder + "/ledger.ndjson"
        #expect(try await work.salvo("export", "history", "--out", out).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).lines.count == 2)
        for text in [ndjson.stdout, csv.stdout, try String(contentsOfFile: out, encoding: .utf8)] {
            #expect(!text.contains(TestSandbox.token))
        }
    }

    @Test("export curl, run by the real curl, delivers the same body as salvo send; the token only when asked")
    func curl() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url, extra: ["--guard", "0"])
        try await work.addRequest("oneil", "--trigger", "1", "--email", "o'neil@x.io", "--content", "code=$HOME`x`")
        #expect(try await work.salvo("send", "oneil").status == 0)
        let command = try await work.salvo("export", "curl", "oneil")
        #expect(command.status == 0 && !command.stdout.contains(TestSandbox.token))
        let curl = try Child(
            "/bin/sh", ["-c", command.stdout],
            environment: ["SALVO_TOKEN": TestSandbox.token, "PATH": "/usr/bin:/bin", "HOME": "/nowhere"],
            stderr: "/dev/null")
        #expect(await curl.exit() == 0)
        let records = await sandbox.records()
        #expect(records.count == 2)
        #expect(records[1].body == records[0].body)
        #expect(records[1].delivered)
        let recorded = try await work.salvo("export", "curl", "1")
        #expect(recorded.stdout.contains("Request-ID: \(records[0].requestID ?? "?")"))
        let secret = try await work.salvo("export", "curl", "1", "--include-secrets")
        #expect(secret.stdout.contains(TestSandbox.token))
        #expect(secret.stderr.contains("warning: the command holds the API token"))
    }
}

@Suite("salvo diff", .timeLimit(.minutes(5)))
struct DiffTests {
    @Test("two launches: the differing body lines, status and error_text are marked, the rest shown once")
    func diff() async throws {
        let sandbox = try await TestSandbox.start { $0.triggers = [1] }
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url, extra: ["--guard", "0"])
        try await work.addRequest("a", "--trigger", "1", "--email", "a@x.io", "--content", "k=1")
        try await work.addRequest("b", "--trigger", "9", "--email", "a@x.io", "--content", "k=2")
        #expect(try await work.salvo("send", "a").status == 0)
        #expect(try await work.salvo("send", "b").status == 1)
        let diff = try await work.salvo("diff", "1", "3")
        #expect(diff.status == 0, "\(diff)")
        #expect(diff.stdout.contains("- request: a\n+ request: b"))
        #expect(diff.stdout.contains("  recipient: a@x.io"))
        #expect(diff.stdout.contains("- http status: 200\n+ http status: 400"))
        #expect(diff.stdout.contains(#"-     "k": "1""#) && diff.stdout.contains(#"+     "k": "2""#))
        #expect(diff.stdout.contains(#"-   "id": 1,"#) && diff.stdout.contains(#"+   "id": 9,"#))
        #expect(diff.stdout.contains(#"    "email": "a@x.io","#))
        let same = try await work.salvo("diff", "1", "1")
        #expect(same.stdout.contains("request body:\n  (the same)"))
        #expect(try await work.salvo("diff", "1", "99").status == 2)
    }
}
