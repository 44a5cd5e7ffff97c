import Foundation
import Testing

@Suite("salvo replay and salvo audit verify", .timeLimit(.minutes(5)))
struct ReplayAndAuditTests {
    private func sentOnce(_ sandbox: TestSandbox) async throws -> Workspace {
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("promo", "--trigger", "1", "--phone", "+79000000000", "--content", "code=007")
        #expect(try await work.salvo("send", "promo").status == 0)
        return work
    }

    @Test("replay sends exactly the recorded body with a new Request-ID, records what it replays, obeys the guard")
    func replay() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await sentOnce(sandbox)
        #expect(try await work.salvo("request", "edit", "promo", "--content", "code=999").status == 0)
        let guarded = try await work.salvo("replay", "1")
        #expect(guarded.status == 0 && guarded.stdout.hasPrefix("skipped"))
        let replay = try await work.salvo("replay", "1", "--force", "--json")
        #expect(replay.status == 0, "\(replay)")
        let records = await sandbox.records()
        #expect(records.count == 2)
        #expect(records[1].body == records[0].body, "the edited request does not change a replay")
        #expect(records[1].requestID != records[0].requestID)
        #expect(records[1].delivered && !records[1].duplicate)
        let id = try #require((try replay.stdout.json() as? [String: Any])?["id"] as? Int)
        let export = try await work.salvo("export", "history", "--run", "3")
        #expect(export.stdout.contains(#""replay_of":1"#), "\(export)")
        _ = id
    }

    @Test("replay --run --failed re-launches only the run's failures, same bodies, new Request-IDs, as a new run")
    func replayRun() async throws {
        let sandbox = try await TestSandbox.start { $0.triggers = [1] }
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("good", "--trigger", "1", "--email", "{{email}}")
        try await work.addRequest("bad", "--trigger", "9", "--email", "{{email}}", "--content", "n={{n}}")
        let data = work.folder + "/people.csv"
        let rows = (1...5).map { "p\($0)@x.io,00\($0)" }.joined(separator: "\n")
        try ("email,n\n" + rows).write(toFile: data, atomically: true, encoding: .utf8)
        let first = try await work.salvo("run", "good", "bad", "--data", data, "--quiet")
        #expect(first.status == 1, "\(first)")
        let before = await sandbox.records()
        #expect(before.count == 10)

        let dry = try await work.salvo("replay", "--run", "1", "--failed", "--dry-run")
        #expect(dry.status == 0 && dry.stdout.contains("5 launch(es) of run 1 would be replayed"), "\(dry)")
        #expect(await sandbox.records().count == 10, "a dry run sends nothing")

        let report = work.folder + "/replay.json"
        let replay = try await work.salvo(
            "replay", "--run", "1", "--failed", "--concurrency", "3", "--report", "json=\(report)", "--quiet")
        #expect(replay.status == 1, "the replayed launches are rejected again: \(replay)")
        let records = await sandbox.records()
        #expect(records.count == 15)
        let replayed = Array(records[10...])
        let rejectedBodies = Set(before.filter { $0.body.contains("\"id\":9") }.map(\.body))
        #expect(Set(replayed.map(\.body)) == rejectedBodies, "exactly the failed launches' bodies, byte for byte")
        let oldIDs = Set(before.compactMap(\.requestID))
        #expect(replayed.allSatisfy { $0.requestID.map { !oldIDs.contains($0) } ?? false }, "new Request-IDs")
        let launches = try await work.history("--run", "2")
        #expect(launches.count == 5)
        let export = try await work.salvo("export", "history", "--run", "2")
        #expect(export.stdout.lines.allSatisfy { $0.contains(#""replay_of":"#) && !$0.contains(#""replay_of":null"#) })
        let parsed = try #require(try String(contentsOfFile: report, encoding: .utf8).json() as? [String: Any])
        #expect((parsed["launches"] as? [Any])?.count == 5)

        let none = try await work.salvo("replay", "--run", "1", "--unknown", "--force")
        #expect(none.status == 0 && none.stdout.contains("nothing to replay"), "\(none)")
        for bad in [
            ["replay", "1", "--run", "1"], ["replay", "1", "--failed"], ["replay"],
            ["replay", "--run", "1", "--failed", "--unknown"], ["replay", "--run", "99"],
            ["replay", "--run", "1", "--unknown"],
        ] {
            let outcome = try await work.run(bad)
            #expect(outcome.status == 2, "\(bad): \(outcome)")
        }
        #expect(await sandbox.records().count == 15)
    }

    @Test("audit log shows who launched what next to who changed what, filtered by --user and --since")
    func auditLogLaunches() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await sentOnce(sandbox)
        let entries = try #require(try await work.salvo("audit", "log", "--json").stdout.json() as? [[String: Any]])
        let launch = try #require(entries.first { $0["entity"] as? String == "run" }, "\(entries)")
        #expect(launch["action"] as? String == "send" && launch["environment"] as? String == "sb")
        #expect((launch["counts"] as? [String: Int])?["ok"] == 1)
        let user = try #require(entries.first?["user"] as? String)
        #expect(launch["user"] as? String == user, "the same OS user made the changes and the launch")
        let table = try await work.salvo("audit", "log", "--user", user)
        #expect(table.stdout.contains("send") && table.stdout.contains("promo to sb: 1 ok (finished)"), "\(table)")
        let nobody = try await work.salvo("audit", "log", "--user", "nobody-else")
        #expect(nobody.status == 0 && nobody.stderr.contains("no changes or launches recorded that match"))
        let later = try await work.salvo("audit", "log", "--since", "2999-01-01")
        #expect(later.stdout.isEmpty)
    }

    @Test("replay to another environment uses its base URL and token; a removed environment needs --env")
    func replayElsewhere() async throws {
        let sandbox = try await TestSandbox.start()
        let other = try await TestSandbox.start { $0.tokens = ["other-token-abcdef"] }
        defer {
            Task {
                await sandbox.stop(); await other.stop()
            }
        }
        let work = try await sentOnce(sandbox)
        try await work.addEnvironment("other", url: other.url, token: "other-token-abcdef")
        let elsewhere = try await work.salvo("replay", "1", "--env", "other")
        #expect(elsewhere.status == 0, "\(elsewhere)")
        #expect(await other.records().first?.body == (await sandbox.records().first?.body))
        #expect(try await work.salvo("request", "remove", "promo").status == 0)
        #expect(try await work.salvo("env", "remove", "sb").status == 0)
        let gone = try await work.salvo("replay", "1")
        #expect(gone.status == 2)
        #expect(gone.stderr.contains("went to environment 'sb', which no longer exists; give --env NAME"))
        #expect(try await work.salvo("replay", "999").status == 2)
    }

    @Test("audit verify passes an untouched store and names the first edited, deleted or re-ordered entry")
    func verify() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await sentOnce(sandbox)
        #expect(try await work.salvo("send", "promo", "--force").status == 0)
        let clean = try await work.salvo("audit", "verify")
        #expect(clean.status == 0, "\(clean)")
        #expect(
            clean.stdout.hasPrefix("ok: 4 ledger entries and 7 audit events verified"), "3 changes, 2 runs of 2 steps")

        let tampered = try Workspace()
        try FileManager.default.createDirectory(atPath: tampered.folder + "/store", withIntermediateDirectories: true)
        for (sql, message) in [
            ("UPDATE ledger SET recipient = '+70000000000' WHERE seq = 2", "ledger entry #2 was changed"),
            ("DELETE FROM ledger WHERE seq = 2", "ledger entry #3 does not follow entry #1"),
            ("UPDATE audit_events SET name = 'other' WHERE id = 3", "audit event #3 was changed"),
        ] {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: tampered.store + suffix) }
            try FileManager.default.copyItem(atPath: work.store, toPath: tampered.store)
            let drop = try await tampered.sqlite(
                "DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete; DROP TRIGGER audit_events_no_update; \(sql)"
            )
            #expect(drop.status == 0, "\(drop.stderr)")
            let outcome = try await tampered.salvo("audit", "verify", "--json")
            #expect(outcome.status == 1, "\(sql): \(outcome)")
            let problems = (try outcome.stdout.json() as? [String: Any])?["problems"] as? [String]
            #expect(problems?.first?.contains(message) == true, "\(sql): \(outcome)")
        }
    }
}
