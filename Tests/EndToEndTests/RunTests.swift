import Foundation
import FoundationXML
import SalvoSandbox
import Testing

@Suite("salvo run: many launches, fast, resumable, never twice", .timeLimit(.minutes(5)))
struct RunTests {
    /// A workspace with environment `sb` (guard off) on the sandbox and request `promo` filled from data columns.
    @Test("values reach the server byte for byte from CSV (BOM, CRLF, quotes), JSON and NDJSON")
    func trickyValues() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox)
        let csv =
            "\u{FEFF}phone,code\r\n+79161234567,007\r\n\"+7 (916) 123, \"\"ext\"\"\",\"12345678901234567890\nline2\"\r\n"
        try csv.write(toFile: work.folder + "/d.csv", atomically: true, encoding: .utf8)
        try #"[{"phone":"+70000000001","code":"007"},{"phone":"+70000000002","code":12345678901234567890}]"#
            .write(toFile: work.folder + "/d.json", atomically: true, encoding: .utf8)
        try "{\"phone\":\"+70000000003\",\"code\":\"0\"}\n\n{\"phone\":\"+70000000004\",\"code\":true}\n"
            .write(toFile: work.folder + "/d.ndjson", atomically: true, encoding: .utf8)
        for file in ["d.csv", "d.json", "d.ndjson"] {
            let run = try await work.run(["run", "promo", "--data", work.folder + "/" + file])
            #expect(run.status == 0, "\(file): \(run)")
        }
        let bodies = await sandbox.records().map(\.body)
        let prefix = #"{"token":"<token>","id":1,"matching":"phone","phone":"#
        #expect(
            bodies == [
                prefix + #""+79161234567","content":{"code":"007"}}"#,
                prefix + #""+7 (916) 123, \"ext\"","content":{"code":"12345678901234567890\nline2"}}"#,
                prefix + #""+70000000001","content":{"code":"007"}}"#,
                prefix + #""+70000000002","content":{"code":"12345678901234567890"}}"#,
                prefix + #""+70000000003","content":{"code":"0"}}"#,
                prefix + #""+70000000004","content":{"code":"true"}}"#,
            ])
    }

    @Test(
        "bad data stops the run before anything is sent: exit 2 naming the line",
        arguments: [
            ("ragged.csv", "phone,code\n+71,1\n+72\n", "line 3: the row has 1 field(s) but the header has 2"),
            ("missing.csv", "phone\n+71\n", "has no column for {{code}}"),
            ("unclosed.csv", "phone,code\n+71,\"1\n", "line 2: a quoted field is not closed"),
            ("broken.json", #"[{"phone":"+71","code":"1"},{"phone":"#, "line 1"),
            (
                "notobjects.ndjson", "{\"phone\":\"+71\",\"code\":\"1\"}\n[1]\n",
                "line 2: each row must be a JSON object"
            ),
            (
                "gaps.ndjson", "{\"phone\":\"+71\",\"code\":\"1\"}\n{\"phone\":\"+72\"}\n",
                "line 2 (row 2): request 'promo': no value for {{code}}"
            ),
            ("rows.txt", "x", "use a .csv, .json"),
        ])
    func badData(name: String, content: String, message: String) async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox)
        try content.write(toFile: work.folder + "/" + name, atomically: true, encoding: .utf8)
        let before = try work.dump()
        let run = try await work.run(["run", "promo", "--data", work.folder + "/" + name])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains(message), "\(run)")
        #expect(await sandbox.records().isEmpty)
        #expect(try work.dump() == before)
    }

    @Test("a bad integer from data fails before sending, naming the line")
    func badInteger() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("t", "--trigger", "{{trigger}}", "--email", "{{email}}")
        try "trigger,email\n1,a@x.io\nseven,b@x.io\n".write(
            toFile: work.folder + "/t.csv", atomically: true, encoding: .utf8)
        let run = try await work.salvo("run", "t", "--data", work.folder + "/t.csv")
        #expect(run.status == 2)
        #expect(
            run.stderr.contains(
                #"line 3 (row 2): request 't': "id" must be a positive integer, but {{trigger}} gave "seven""#))
        #expect(await sandbox.records().isEmpty)
    }

    @Test("exactly once: 2,000 rows at concurrency 8, killed with SIGKILL three times, resumed each time")
    func killAndResume() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 2_000)
        let (first, _) = try work.spawn([
            "run", "promo", "--data", work.folder + "/rows.csv", "--concurrency", "8", "--quiet",
        ])
        var process = first
        for point in [300, 900, 1_500] {
            #expect(await eventually(60) { await sandbox.records().count >= point || !process.isRunning })
            kill(process.processIdentifier, SIGKILL)
            await waitForExit(process)
            #expect(process.terminationReason == .uncaughtSignal, "killed at \(point)")
            process = try work.spawn(["run", "--resume", "1", "--quiet"]).process
        }
        await waitForExit(process)
        #expect(process.terminationStatus == 0)
        let delivered = await sandbox.deliveries()
        #expect(delivered.count == 2_000)
        #expect(delivered.values.allSatisfy { $0 == 1 }, "\(delivered.filter { $0.value != 1 })")
        let history = try await work.history("--run", "1", "--limit", "5000")
        #expect(history.count == 2_000)
        #expect(history.allSatisfy { $0["result"] as? String == "ok" })
        let runs = try await work.salvo("runs", "show", "1", "--json")
        let info = try #require(try runs.stdout.json() as? [String: Any])
        #expect(info["state"] as? String == "finished")
        #expect((info["counts"] as? [String: Int])?["ok"] == 2_000)
    }

    @Test("a run still going in another process cannot be resumed; once that process is killed, it can")
    func resumeWhileRunning() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 150 }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 30)
        let (process, _) = try work.spawn(["run", "promo", "--data", work.folder + "/rows.csv", "--quiet"])
        #expect(await eventually(30) { await sandbox.records().count >= 2 })
        let second = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(second.status == 2, "\(second)")
        #expect(second.stderr.contains("run 1 is running in another salvo process"), "\(second.stderr)")
        kill(process.processIdentifier, SIGKILL)
        await waitForExit(process)
        let resumed = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(resumed.status == 0, "\(resumed)")
        let delivered = await sandbox.deliveries()
        #expect(delivered.count == 30 && delivered.values.allSatisfy { $0 == 1 })
    }

    @Test("resets and 5xx with --retries 3: every recipient delivered exactly once, outcomes match the sandbox")
    func faultsWithRetries() async throws {
        let sandbox = try await TestSandbox.start {
            $0.resetRate = 0.1
            $0.failRate = 0.1
            $0.htmlErrors = true
        }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 300)
        var run = try await work.salvo(
            "run", "promo", "--data", work.folder + "/rows.csv", "--concurrency", "8", "--retries", "3", "--timeout",
            "15")
        // A launch that may have been delivered and is then answered 5xx stays unknown until a later try is
        // answered (the platform's de-duplication makes that ok): a few resumes settle every one.
        var rounds = 0
        while run.status == 3, rounds < 8 {
            run = try await work.salvo("run", "--resume", "1")
            rounds += 1
        }
        // A launch can still fail all four tries with a 5xx: then it is rejected and must not have been delivered.
        #expect(run.status == 0 || run.status == 1, "\(run)")
        let delivered = await sandbox.deliveries()
        #expect(delivered.values.allSatisfy { $0 == 1 }, "no recipient is delivered twice")
        let history = try await work.history("--run", "1", "--limit", "1000")
        #expect(history.count == 300)
        for launch in history {
            let recipient = launch["recipient"] as? String ?? ""
            switch launch["result"] as? String {
            case "ok": #expect(delivered[recipient] == 1, "\(recipient) ok in the ledger, delivered once")
            case "rejected":
                #expect((launch["http_status"] as? Int ?? 0) >= 500)
                #expect(delivered[recipient] == nil, "\(recipient) rejected with a 5xx, never delivered")
            default: Issue.record("\(recipient) ended \(launch["result"] ?? "?") after resumes")
            }
        }
        let records = await sandbox.records()
        #expect(records.contains { $0.misbehaviour == "reset" } && records.contains { $0.status == 502 })
        #expect(
            records.contains { $0.duplicate }, "a reset launch retried with its Request-ID is answered as a duplicate")
    }

    @Test("--rate 50 paces 200 launches over about 4 seconds; --concurrency raises throughput")
    func pace() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 40 }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox)
        try await work.addRequest("fixed", "--trigger", "1", "--email", "a@x.io")
        let start = Date()
        let paced = try await work.salvo("run", "fixed", "--iterations", "200", "--rate", "50", "--concurrency", "4")
        let pacedSeconds = Date().timeIntervalSince(start)
        #expect(paced.status == 0)
        // Never faster than the rate, as the client timed it and as the server received it. No upper bound: on a
        // 2-core machine running the other suites at once (the fault suite above all) a run can take far longer
        // than 4 s without anything being wrong.
        #expect(pacedSeconds > 3.5, "\(pacedSeconds) s")
        let received = await sandbox.records().compactMap { try? Date($0.at, strategy: .iso8601) }
        #expect(received.count == 200)
        if let first = received.min(), let last = received.max() {
            #expect(
                last.timeIntervalSince(first) > 3.5, "the sandbox received them over \(last.timeIntervalSince(first)) s"
            )
        }
        let sequentialStart = Date()
        #expect(try await work.salvo("run", "fixed", "--iterations", "40").status == 0)
        let sequential = Date().timeIntervalSince(sequentialStart)
        let parallelStart = Date()
        #expect(try await work.salvo("run", "fixed", "--iterations", "40", "--concurrency", "8").status == 0)
        let parallel = Date().timeIntervalSince(parallelStart)
        #expect(sequential > 40 * 0.04)
        #expect(parallel < sequential * 0.6, "sequential \(sequential) s, concurrency 8 \(parallel) s")
    }

    @Test("429 with Retry-After is honoured, with the same Request-ID on every try")
    func retryAfter() async throws {
        let sandbox = try await TestSandbox.start {
            $0.throttleRate = 1
            $0.retryAfterSeconds = 1
        }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox)
        try await work.addRequest("fixed", "--trigger", "1", "--email", "a@x.io")
        let start = Date()
        let run = try await work.salvo("run", "fixed", "--retries", "2")
        #expect(run.status == 1, "\(run)")
        #expect(Date().timeIntervalSince(start) >= 2)
        let records = await sandbox.records()
        #expect(records.count == 3)
        #expect(Set(records.compactMap(\.requestID)).count == 1)
        let history = try await work.history()
        #expect(history.first?["tries"] as? Int == 3 && history.first?["http_status"] as? Int == 429)
    }

    @Test("--bail stops at the first launch that is not ok")
    func bail() async throws {
        let sandbox = try await TestSandbox.start { $0.triggers = [1] }
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url, extra: ["--guard", "0"])
        try await work.addRequest("t", "--trigger", "{{trigger}}", "--email", "{{email}}")
        var csv = "trigger,email\n"
        for index in 1...10 { csv += "\(index == 3 ? 9 : 1),u\(index)@x.io\n" }
        try csv.write(toFile: work.folder + "/t.csv", atomically: true, encoding: .utf8)
        let run = try await work.salvo("run", "t", "--data", work.folder + "/t.csv", "--bail")
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.contains("--bail: stopped"))
        #expect(await sandbox.records().count == 3)
    }

    @Test("Ctrl-C stops dispatching and records what was in flight; --resume completes the run")
    func interruptAndResume() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 100 }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 60)
        let (process, output) = try work.spawn([
            "run", "promo", "--data", work.folder + "/rows.csv", "--concurrency", "2",
        ])
        #expect(await eventually(30) { await sandbox.records().count >= 10 })
        kill(process.processIdentifier, SIGINT)
        await waitForExit(process)
        #expect(process.terminationStatus == 3)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("interrupted") && text.contains("salvo run --resume 1"), "\(text)")
        let sentBefore = await sandbox.records().count
        #expect(sentBefore < 60)
        #expect(try await work.history("--run", "1", "--limit", "100").allSatisfy { $0["result"] as? String == "ok" })
        let resume = try await work.salvo("run", "--resume", "1")
        #expect(resume.status == 0, "\(resume)")
        #expect(resume.stdout.contains("already done earlier were not sent again"))
        let delivered = await sandbox.deliveries()
        #expect(delivered.count == 60 && delivered.values.allSatisfy { $0 == 1 })
    }

    @Test("--resume refuses a changed data file, and other settings")
    func resumeRefusals() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 3)
        #expect(try await work.salvo("run", "promo", "--data", work.folder + "/rows.csv").status == 0)
        try "phone,code\n+71,1\n".write(toFile: work.folder + "/rows.csv", atomically: true, encoding: .utf8)
        let changed = try await work.salvo("run", "--resume", "1")
        #expect(changed.status == 2)
        #expect(changed.stderr.contains("has changed since it started (SHA-256 differs)"))
        let mixed = try await work.salvo("run", "--resume", "1", "--concurrency", "4")
        #expect(mixed.status == 2)
        #expect(try await work.salvo("run", "--resume", "99").status == 2)
    }

    @Test("the guard skips launches that already succeeded; skipped ones count, exit 0")
    func guardInRuns() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("fixed", "--trigger", "1", "--email", "a@x.io")
        #expect(try await work.salvo("send", "fixed").status == 0)
        let run = try await work.salvo("run", "fixed", "--iterations", "3")
        #expect(run.status == 0)
        #expect(run.stdout.contains("skipped 3"))
        #expect(await sandbox.records().count == 1)
    }

    @Test("reports: JSON and JUnit parse and their counts match the ledger; --dry-run sends nothing")
    func reports() async throws {
        let sandbox = try await TestSandbox.start { $0.triggers = [1] }
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url, extra: ["--guard", "0"])
        try await work.addRequest("t", "--trigger", "{{trigger}}", "--email", "{{email}}")
        var csv = "trigger,email\n"
        for index in 1...20 { csv += "\(index % 5 == 0 ? 9 : 1),u\(index)@x.io\n" }
        try csv.write(toFile: work.folder + "/t.csv", atomically: true, encoding: .utf8)
        let dry = try await work.salvo("run", "t", "--data", work.folder + "/t.csv", "--dry-run")
        #expect(dry.status == 0 && dry.stdout.hasPrefix("dry run: 20 launch(es) checked"))
        #expect(dry.stdout.contains(#""token":"<token fp:"#) && !dry.stdout.contains(TestSandbox.token))
        #expect(await sandbox.records().isEmpty)
        let json = work.folder + "/report.json"
        let junit = work.folder + "/report.xml"
        let run = try await work.salvo(
            "run", "t", "--data", work.folder + "/t.csv", "--concurrency", "4", "--report", "json=\(json)",
            "--report", "junit=\(junit)")
        #expect(run.status == 1)
        let report = try #require(try String(contentsOfFile: json, encoding: .utf8).json() as? [String: Any])
        let launches = try #require(report["launches"] as? [[String: Any]])
        #expect(launches.count == 20)
        #expect(launches.filter { $0["result"] as? String == "rejected" }.count == 4)
        #expect((report["summary"] as? [String: Any])?["ok"] as? Int == 16)
        let ledgerIDs = Set(try await work.history("--limit", "100").compactMap { $0["request_id"] as? String })
        #expect(Set(launches.compactMap { $0["request_id"] as? String }) == ledgerIDs)
        let document = try XMLDocument(contentsOf: URL(fileURLWithPath: junit))
        let suite = try #require(try document.nodes(forXPath: "//testsuite").first as? XMLElement)
        #expect(suite.attribute(forName: "tests")?.stringValue == "20")
        #expect(suite.attribute(forName: "failures")?.stringValue == "4")
        #expect(try document.nodes(forXPath: "//testcase").count == 20)
        #expect(try document.nodes(forXPath: "//failure").count == 4)
    }
}
