import Foundation
import Testing

/// The ways a mailing could reach a recipient twice, each judged by what the sandbox delivered.
@Suite("Never twice: resumes, the guard, renames, replays", .timeLimit(.minutes(5)))
struct NeverTwiceTests {
    @Test("a send then `run --resume` of its run sends and records nothing, guard on or off")
    func resumeOfFinishedSend() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url, extra: ["--guard", "0"])
        try await work.addRequest("once", "--trigger", "1", "--email", "a@x.io")
        #expect(try await work.salvo("send", "once").status == 0)
        let before = try work.dump()
        let resume = try await work.salvo("run", "--resume", "1")
        #expect(resume.status == 0, "\(resume)")
        #expect(resume.stderr.contains("nothing left to send"), "\(resume)")
        #expect(try work.dump() == before, "nothing recorded")
        #expect(try await work.salvo("env", "edit", "sb", "--guard", "24h").status == 0)
        let guarded = try work.dump()
        #expect(try await work.salvo("run", "--resume", "1").status == 0)
        #expect(try work.dump() == guarded, "no spurious skipped launch")
        #expect(await sandbox.deliveries() == ["a@x.io": 1])
    }

    @Test("resuming a finished run with rejected launches exits 1 and records nothing")
    func resumeOfFinishedRun() async throws {
        let sandbox = try await TestSandbox.start { $0.triggers = [1] }
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 4)
        try await work.addRequest("ghost", "--trigger", "9", "--phone", "{{phone}}")
        let run = try await work.salvo("run", "promo", "ghost", "--data", work.folder + "/rows.csv", "--quiet")
        #expect(run.status == 1, "\(run)")
        let before = try work.dump()
        let resume = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(resume.status == 1, "the run's outcome: \(resume)")
        #expect(resume.stdout.contains("ok 4  rejected 4"), "\(resume)")
        #expect(try work.dump() == before)
        #expect(await sandbox.records().count == 8)
    }

    @Test("a send left unknown (with --var, a 2.5 s timeout) resumes with its Request-ID: delivered once")
    func resumeOfUnknownSend() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 4_000 }
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("hello", "--trigger", "1", "--email", "{{email}}")
        let send = try await work.salvo("send", "hello", "--var", "email=b@x.io", "--timeout", "2.5")
        #expect(send.status == 3, "\(send)")
        let info = try #require(try await work.salvo("runs", "show", "1", "--json").stdout.json() as? [String: Any])
        let settings = try #require(info["settings"] as? [String: Any])
        #expect(settings["timeout_seconds"] as? Double == 2.5, "recorded exactly: \(settings)")
        // The slow answer to the first try goes (to nobody) before the resume: the sandbox holds a repeat of a
        // Request-ID it is still answering until then.
        try await Task.sleep(for: .seconds(4.5))
        sandbox.reconfigure { $0.latencyMilliseconds = 0 }
        var resume = try await work.salvo("run", "--resume", "1", "--quiet")
        // A loaded machine can answer after the recorded 2.5 s again: still unknown, resumed again (same Request-ID).
        var tries = 2
        while resume.status == 3, tries < 6 {
            resume = try await work.salvo("run", "--resume", "1", "--quiet")
            tries += 1
        }
        #expect(resume.status == 0, "\(resume)")
        let records = await sandbox.records()
        #expect(records.count == tries)
        #expect(Set(records.compactMap(\.requestID)).count == 1, "the same Request-ID")
        #expect(await sandbox.deliveries() == ["b@x.io": 1])
        let history = try await work.history()
        #expect(history.count == 1 && history[0]["result"] as? String == "ok" && history[0]["tries"] as? Int == tries)
    }

    @Test(
        "the guard sees the run's own launches: one address in 4 rows at concurrency 4, and 3 iterations, send once",
        arguments: [1, 4])
    func duplicatesInsideARun(concurrency: Int) async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 30 }
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("promo", "--trigger", "1", "--email", "{{email}}")
        try await work.addRequest("promo-copy", "--trigger", "1", "--email", "{{email}}")
        let data = work.folder + "/same.csv"
        try "email\nsame@x.io\nother@x.io\nsame@x.io\nsame@x.io\nsame@x.io\n".write(
            toFile: data, atomically: true, encoding: .utf8)
        let dry = try await work.salvo("run", "promo", "--data", data, "--dry-run")
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("3 duplicate launch(es)") && dry.stdout.contains("lines 4, 5, 6"), "\(dry)")
        let run = try await work.salvo(
            "run", "promo", "promo-copy", "--data", data, "--iterations", "3", "--concurrency", "\(concurrency)",
            "--quiet")
        #expect(run.status == 0, "\(run)")
        #expect(await sandbox.deliveries() == ["same@x.io": 1, "other@x.io": 1])
        let history = try await work.history("--run", "1", "--limit", "100")
        #expect(history.count == 30)
        #expect(history.filter { $0["result"] as? String == "ok" }.count == 2)
        #expect(history.filter { $0["result"] as? String == "skipped" }.count == 28)
        let forced = try await work.salvo("run", "promo", "--data", data, "--force", "--quiet")
        #expect(forced.status == 0)
        #expect(await sandbox.deliveries() == ["same@x.io": 5, "other@x.io": 2], "--force repeats on purpose")
    }

    @Test("a later identical launch is sent when the earlier one was rejected")
    func identicalAfterRejection() async throws {
        let sandbox = try await TestSandbox.start { $0.failRate = 1 }
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("promo", "--trigger", "1", "--email", "a@x.io")
        let run = try await work.salvo("run", "promo", "--iterations", "3", "--concurrency", "3", "--quiet")
        #expect(run.status == 1, "\(run)")
        #expect(await sandbox.records().count == 3, "each waited for the one before, which failed, then went")
    }

    @Test("launches identical to one whose outcome is unknown are held back, in a run and by send; a resume settles it")
    func identicalAfterUnknown() async throws {
        let sandbox = try await TestSandbox.start { $0.resetRate = 1 }
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("promo", "--trigger", "1", "--email", "{{email}}")
        let data = work.folder + "/d.csv"
        try "email\na@x.io\na@x.io\na@x.io\nb@x.io\nb@x.io\n".write(toFile: data, atomically: true, encoding: .utf8)
        let run = try await work.salvo("run", "promo", "--data", data, "--concurrency", "4", "--quiet")
        #expect(run.status == 3, "\(run)")
        #expect(await sandbox.records().count == 2, "one try per address, the rest held back")
        let send = try await work.salvo("send", "promo", "--var", "email=a@x.io")
        #expect(send.stdout.contains("may have been delivered: its outcome is unknown"), "\(send)")
        #expect(await sandbox.records().count == 2)
        sandbox.reconfigure { $0.resetRate = 0 }
        let resume = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(resume.status == 0, "\(resume)")
        #expect(await sandbox.deliveries() == ["a@x.io": 1, "b@x.io": 1])
    }

    @Test("renaming an environment or a request keeps the guard and the history filters")
    func renames() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@x.io")
        #expect(try await work.salvo("send", "welcome").status == 0)
        #expect(try await work.salvo("env", "rename", "sb", "sb-new").status == 0)
        #expect(try await work.salvo("request", "rename", "welcome", "hello").status == 0)
        let again = try await work.salvo("send", "hello")
        #expect(again.status == 0 && again.stdout.hasPrefix("skipped"), "\(again)")
        #expect(await sandbox.deliveries() == ["a@x.io": 1])
        #expect(try await work.history("--env", "sb-new").count == 2)
        #expect(try await work.history("--request", "hello").count == 2)
        #expect(try await work.history("--env", "sb").count == 1, "a name no environment has now: what it recorded")
        let replay = try await work.salvo("replay", "1", "--dry-run")
        #expect(replay.status == 0 && replay.stdout.contains(sandbox.url), "replay follows the rename: \(replay)")
    }

    @Test("replay --run --failed leaves unknown launches to a resume; --unknown needs --force")
    func replayLeavesUnknown() async throws {
        let sandbox = try await TestSandbox.start { $0.resetRate = 1 }
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 3)
        let run = try await work.salvo("run", "promo", "--data", work.folder + "/rows.csv", "--quiet")
        #expect(run.status == 3, "\(run)")
        sandbox.reconfigure { $0.resetRate = 0 }
        let failed = try await work.salvo("replay", "--run", "1", "--failed")
        #expect(failed.status == 0 && failed.stdout.contains("nothing to replay"), "\(failed)")
        #expect(failed.stderr.contains("3 unknown launch(es) of run 1 are left out"), "\(failed)")
        let unknown = try await work.salvo("replay", "--run", "1", "--unknown")
        #expect(unknown.status == 2 && unknown.stderr.contains("salvo run --resume"), "\(unknown)")
        #expect(await sandbox.records().count == 3)
        let resume = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(resume.status == 0, "\(resume)")
        #expect(await sandbox.deliveries().values.allSatisfy { $0 == 1 })
        #expect(await sandbox.deliveries().count == 3)
    }

    @Test("an unknown launch first tried over 23 h ago is not re-sent by a resume without --force")
    func staleUnknown() async throws {
        let sandbox = try await TestSandbox.start { $0.resetRate = 1 }
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 2)
        #expect(try await work.salvo("run", "promo", "--data", work.folder + "/rows.csv", "--quiet").status == 3)
        sandbox.reconfigure { $0.resetRate = 0 }
        // Date the first row's attempt two days back, as if the run had stopped then.
        #expect(try await work.sqlite("DROP TRIGGER ledger_no_update").status == 0)
        let dated = try await work.sqlite(
            "UPDATE ledger SET at = '2020-01-01T00:00:00.000Z' WHERE kind = 'attempt' AND ordinal = 1")
        #expect(dated.status == 0, "\(dated.stderr)")
        let resume = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(resume.status == 3, "\(resume)")
        #expect(resume.stdout.contains("1 unknown launch(es) were first tried more than 23 h ago"), "\(resume)")
        #expect(await sandbox.records().count == 3, "only the recent one went again")
        let forced = try await work.salvo("run", "--resume", "1", "--force", "--quiet")
        #expect(forced.status == 0, "\(forced)")
        #expect(await sandbox.records().count == 4)
    }

    @Test("a run of several requests sends each to its own environment, else --env or the default")
    func environmentPerRequest() async throws {
        let main = try await TestSandbox.start()
        let other = try await TestSandbox.start()
        defer {
            Task {
                await main.stop()
                await other.stop()
            }
        }
        let work = try Workspace()
        try await work.addEnvironment("main", url: main.url)
        try await work.addEnvironment("other", url: other.url)
        try await work.addRequest("mine", "--trigger", "1", "--email", "a@x.io", "--env", "other")
        try await work.addRequest("plain", "--trigger", "1", "--email", "b@x.io")
        let run = try await work.salvo("run", "mine", "plain")
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("to other, main"), "the header names every environment: \(run)")
        #expect(await other.deliveries() == ["a@x.io": 1])
        #expect(await main.deliveries() == ["b@x.io": 1])
        let override = try await work.salvo("run", "mine", "plain", "--env", "main", "--force")
        #expect(override.status == 0)
        #expect(await main.deliveries() == ["a@x.io": 1, "b@x.io": 2])
    }

    @Test("a launch answered 429 and killed while it waited to retry is retried by the resume, delivered once")
    func killedWhileWaitingToRetry() async throws {
        let sandbox = try await TestSandbox.start {
            $0.throttleRate = 1
            $0.retryAfterSeconds = 30
        }
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 2)
        let run = try work.spawn([
            "run", "promo", "--data", work.folder + "/rows.csv", "--retries", "2", "--concurrency", "2", "--quiet",
        ])
        // Both launches answered 429 and recorded: the run now waits 30 s to retry them.
        #expect(await eventually(20) { await sandbox.records().count == 2 })
        #expect(await eventually(10) { (try? await work.history().count) == 2 })
        kill(run.process.processIdentifier, SIGKILL)
        await waitForExit(run.process)
        sandbox.reconfigure { $0.throttleRate = 0 }
        let resume = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(resume.status == 0, "\(resume)")
        let records = await sandbox.records()
        #expect(records.count == 4, "each launch tried once more")
        #expect(Set(records.compactMap(\.requestID)).count == 2, "with its own Request-ID")
        let deliveries = await sandbox.deliveries()
        #expect(deliveries.count == 2 && deliveries.values.allSatisfy { $0 == 1 }, "\(deliveries)")
        let history = try await work.history()
        #expect(history.allSatisfy { $0["result"] as? String == "ok" && $0["tries"] as? Int == 2 }, "\(history)")
    }

    @Test("a launch refused a connection, answered 5xx by its resume, is rejected: no earlier try could deliver it")
    func notSentThenFailed() async throws {
        let probe = try await TestSandbox.start()
        let url = probe.url
        let port = Int(url.split(separator: ":").last ?? "") ?? 0
        await probe.stop()
        let work = try Workspace()
        try await work.addEnvironment("sb", url: url, extra: ["--guard", "0"])
        try await work.addRequest("promo", "--trigger", "1", "--phone", "+70000000001")
        let refused = try await work.salvo("run", "promo", "--quiet")
        let first = try await work.history().first
        #expect(refused.status == 3 && first?["result"] as? String == "not-sent", "\(refused)")
        let sandbox = try await TestSandbox.start {
            $0.port = port
            $0.failRate = 1
        }
        defer { Task { [sandbox] in await sandbox.stop() } }
        let resume = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(resume.status == 1, "\(resume)")
        let launch = try await work.history().first
        #expect(launch?["result"] as? String == "rejected" && launch?["http_status"] as? Int == 503, "\(launch ?? [:])")
    }

    @Test("a resume of a run whose 429s used up its retries sends nothing: they are final")
    func retriesSpent() async throws {
        let sandbox = try await TestSandbox.start {
            $0.throttleRate = 1
            $0.retryAfterSeconds = 0
        }
        defer { Task { [sandbox] in await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 1)
        let run = try await work.salvo("run", "promo", "--data", work.folder + "/rows.csv", "--retries", "1", "--quiet")
        #expect(run.status == 1, "\(run)")
        #expect(await sandbox.records().count == 2)
        let resume = try await work.salvo("run", "--resume", "1", "--quiet")
        #expect(resume.status == 1 && resume.stderr.contains("nothing left to send"), "\(resume)")
        #expect(await sandbox.records().count == 2)
    }
}
