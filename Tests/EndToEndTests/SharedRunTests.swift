import Foundation
import SalvoTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One run launched by several machines (processes of the built binary) on a team store: each row delivered once
/// whatever happens to a runner, judged by the sandbox's launch log.
@Suite("One run shared by many machines (PostgreSQL)", .timeLimit(.minutes(5)))
struct SharedRunTests {
    /// A workspace on a new database with environment `sb` (token from `$SB_TOKEN`), request `promo` and a data
    /// file of `rows` phones.
    private func teamStore(_ sandbox: TestSandbox, rows: Int) async throws -> (Workspace, String) {
        let work = try Workspace(store: try await TestPostgres.database())
        work.environment["SB_TOKEN"] = TestSandbox.token
        #expect(try await work.salvo("store", "init").status == 0)
        let add = try await work.salvo(
            "env", "add", "sb", "--base-url", sandbox.url, "--token-env", "SB_TOKEN", "--guard", "0")
        #expect(add.status == 0, "\(add)")
        try await work.addRequest("promo", "--trigger", "1", "--phone", "{{phone}}", "--content", "code={{code}}")
        var csv = "phone,code\n"
        for index in 0..<rows { csv += "+7\(String(format: "%010d", index)),\(String(format: "%03d", index))\n" }
        let path = work.folder + "/rows.csv"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return (work, path)
    }

    /// What every test checks at the end: each of `rows` recipients delivered once, the run finished with every
    /// launch ok, every attempt answered, the chains sound.
    private func judge(_ work: Workspace, _ sandbox: TestSandbox, rows: Int) async throws {
        let delivered = await sandbox.deliveries()
        #expect(delivered.count == rows, "\(delivered.count) of \(rows) delivered")
        #expect(delivered.values.allSatisfy { $0 == 1 }, "twice: \(delivered.filter { $0.value != 1 })")
        let info = try #require(try await work.salvo("runs", "show", "1", "--json").stdout.json() as? [String: Any])
        #expect(info["state"] as? String == "finished", "\(info)")
        // Launches whose latest attempt did not end ok, and why: what to look at when the counts are off. Every
        // run here retries (same Request-ID): on a loaded machine an answer can take longer than the timeout.
        let unknown = try await TestPostgres.query(
            """
            SELECT a.ordinal, a.try, a.host, coalesce(o.result, '-'), coalesce(o.transport_error, '') FROM ledger a
            LEFT JOIN ledger o ON o.attempt_seq = a.seq
            WHERE a.kind = 'attempt'
                AND a.seq = (SELECT max(seq) FROM ledger x WHERE x.request_id = a.request_id AND x.kind = 'attempt')
                AND coalesce(o.result, '-') <> 'ok'
            """, on: work.store)
        #expect((info["counts"] as? [String: Any])?["ok"] as? Int == rows, "\(info["counts"] ?? ""): \(unknown)")
        let unanswered = try await TestPostgres.query(
            "SELECT count(*) FROM ledger a WHERE kind = 'attempt' AND NOT EXISTS "
                + "(SELECT 1 FROM ledger o WHERE o.attempt_seq = a.seq)", on: work.store)
        #expect(unanswered.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let verify = try await work.salvo("audit", "verify")
        #expect(verify.status == 0, "\(verify)")
    }

    @Test("three runners on one run, one killed with SIGKILL mid-run: its chunks taken over, every row once")
    func killedRunner() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 5 }
        defer { Task { await sandbox.stop() } }
        let (work, data) = try await teamStore(sandbox, rows: 600)
        let (first, _) = try work.spawn([
            "run", "promo", "--data", data, "--chunk-size", "20", "--concurrency", "4", "--timeout", "5", "--retries",
            "3", "--quiet",
        ])
        #expect(await eventually(60) { await sandbox.records().count >= 20 || !first.isRunning })
        let joiners = try (0..<2).map { _ in try work.spawn(["run", "--join", "1", "--concurrency", "4", "--quiet"]) }
        #expect(await eventually(60) { await sandbox.records().count >= 200 || !first.isRunning })
        first.signal(SIGKILL)
        await first.exit()
        for (joiner, output) in joiners {
            #expect(await joiner.exit() == 0, "\(said(output))")
            let text = said(output)
            #expect(text.contains("run 1 finished") && text.contains("ok 600"), "the whole run's summary: \(text)")
        }
        try await judge(work, sandbox, rows: 600)
    }

    @Test("a runner frozen past its lease (SIGSTOP) loses its chunks; continued, it sends nothing twice")
    func frozenRunner() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 20 }
        defer { Task { await sandbox.stop() } }
        let (work, data) = try await teamStore(sandbox, rows: 300)
        let (frozen, _) = try work.spawn([
            "run", "promo", "--data", data, "--chunk-size", "10", "--concurrency", "2", "--timeout", "5", "--retries",
            "3", "--lease",
            "2", "--quiet",
        ])
        #expect(await eventually(60) { await sandbox.records().count >= 20 || !frozen.isRunning })
        let (other, output) = try work.spawn(["run", "--join", "1", "--concurrency", "2", "--quiet"])
        #expect(await eventually(60) { await sandbox.records().count >= 60 || !frozen.isRunning })
        frozen.signal(SIGSTOP)
        // Past its lease and the time its launches could still be in flight: the other runner takes its chunks.
        try await Task.sleep(for: .seconds(5))
        frozen.signal(SIGCONT)
        // Back, it records no new attempt: it ends with the run (0), leaves it (3), or, frozen inside a
        // transaction the server ended meanwhile, finds the store gone (4).
        let status = await frozen.exit()
        #expect([0, 3, 4].contains(status), "exit \(status)")
        #expect(await other.exit() == 0, "\(said(output))")
        try await judge(work, sandbox, rows: 300)
    }

    @Test("a runner cut off from PostgreSQL (a proxy that lets nothing through) exits 4; its chunks go on elsewhere")
    func cutOffRunner() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 20 }
        defer { Task { await sandbox.stop() } }
        let (work, data) = try await teamStore(sandbox, rows: 300)
        // The same database through the proxy, over TCP: ...?host=/folder -> 127.0.0.1:PROXY.
        let url = try #require(URLComponents(string: work.store))
        let folder = try #require(url.queryItems?.first { $0.name == "host" }?.value)
        let proxy = try CuttableProxy(unixSocket: "\(folder)/.s.PGSQL.\(url.port ?? 5432)")
        defer { proxy.stop() }
        let distant = try Workspace(store: "postgres://salvo@127.0.0.1:\(proxy.port)\(url.path)?sslmode=disable")
        distant.environment = ["SB_TOKEN": TestSandbox.token, "SALVO_STORE_TIMEOUT": "4"]
        let (cutOff, cutOutput) = try distant.spawn([
            "run", "promo", "--data", data, "--chunk-size", "10", "--concurrency", "2", "--timeout", "3", "--retries",
            "3", "--lease", "2", "--quiet",
        ])
        #expect(await eventually(60) { await sandbox.records().count >= 20 || !cutOff.isRunning }, "\(said(cutOutput))")
        let (other, output) = try work.spawn(["run", "--join", "1", "--concurrency", "2", "--quiet"])
        #expect(await eventually(60) { await sandbox.records().count >= 60 || !cutOff.isRunning })
        proxy.blackhole()
        #expect(await cutOff.exit() == 4, "\(said(cutOutput))")
        #expect(await other.exit() == 0, "\(said(output))")
        try await judge(work, sandbox, rows: 300)
    }

    @Test("runs show lists chunks and runners; runs stop drains every runner; a resume finishes the run")
    func showStopResume() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 20 }
        defer { Task { await sandbox.stop() } }
        let (work, data) = try await teamStore(sandbox, rows: 400)
        let (first, _) = try work.spawn([
            "run", "promo", "--data", data, "--chunk-size", "10", "--concurrency", "2", "--timeout", "5", "--retries",
            "3", "--quiet",
        ])
        #expect(await eventually(60) { await sandbox.records().count >= 10 || !first.isRunning })
        let (second, _) = try work.spawn(["run", "--join", "1", "--concurrency", "2", "--quiet"])
        #expect(await eventually(60) { await sandbox.records().count >= 60 || !first.isRunning })
        let show = try await work.salvo("runs", "show", "1")
        #expect(show.status == 0 && show.stdout.contains("chunks") && show.stdout.contains("RUNNER"), "\(show)")
        #expect(show.stdout.lines.filter { $0.contains(" live ") }.count == 2, "\(show)")
        let stop = try await work.salvo("runs", "stop", "1")
        #expect(stop.status == 0, "\(stop)")
        #expect(await first.exit() == 3)
        #expect(await second.exit() == 3)
        let stopped = try #require(try await work.salvo("runs", "show", "1", "--json").stdout.json() as? [String: Any])
        #expect(stopped["state"] as? String == "interrupted", "\(stopped)")
        #expect(await sandbox.records().count < 400, "stopped before the end")
        let resume = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(resume.status == 0, "\(resume)")
        try await judge(work, sandbox, rows: 400)
    }

    @Test("joins that cannot be: no such run, a run of one process, another token, settings of its own")
    func badJoins() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let (work, data) = try await teamStore(sandbox, rows: 3)
        #expect(try await work.salvo("run", "promo", "--data", data, "--quiet").status == 0)
        // A resume refused, or with nothing left to send, changes nothing.
        let before = try await TestPostgres.dump(work.store)
        let unset = try await work.run(["run", "--resume", "1"], unsetting: ["SB_TOKEN"])
        #expect(unset.status == 2 && unset.stderr.contains("SB_TOKEN"), "\(unset)")
        let nothing = try await work.salvo("run", "--resume", "1")
        #expect(nothing.status == 0 && nothing.stderr.contains("nothing left to send"), "\(nothing)")
        #expect(try await TestPostgres.dump(work.store) == before)
        let missing = try await work.salvo("run", "--join", "9")
        #expect(missing.status == 2 && missing.stderr.contains("run '9' not found"), "\(missing)")
        let ended = try await work.salvo("run", "--join", "1")
        #expect(ended.status == 2 && ended.stderr.contains("has ended"), "\(ended)")
        let rate = try await work.salvo("run", "--join", "1", "--rate", "5")
        #expect(rate.status == 2 && rate.stderr.contains("rate is shared"), "\(rate)")
        #expect(try await work.salvo("send", "promo", "--var", "phone=+70000000001", "--var", "code=1").status == 0)
        let single = try await work.salvo("run", "--join", "2")
        #expect(single.status == 2 && single.stderr.contains("is not shared"), "\(single)")
        // Another token: the run's own launches would change.
        sandbox.reconfigure { $0.latencyMilliseconds = 3_000 }
        let (run, output) = try work.spawn(["run", "promo", "--data", data, "--quiet"])
        #expect(await eventually(30) { await sandbox.records().count > 4 || !run.isRunning }, "\(said(output))")
        let other = try await work.run(["run", "--join", "3"], env: ["SB_TOKEN": "another-token-0000"])
        #expect(other.status == 2 && other.stderr.contains("is not the one run 3 was started with"), "\(other)")
        #expect(!other.stderr.contains("another-token-0000") && !other.stderr.contains(TestSandbox.token))
        await run.exit()
    }
}
