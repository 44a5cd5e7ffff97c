import Foundation
import Testing

/// An audit you can defend: the schema checked, checkpoints kept elsewhere, and a readable log.
@Suite("Audit: schema, checkpoints, the log's before and after", .timeLimit(.minutes(5)))
struct AuditTests {
    /// A store with an environment, a request and two sends.
    private func store(_ sandbox: TestSandbox) async throws -> Workspace {
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url)
        try await work.addRequest("promo", "--trigger", "1", "--email", "{{email}}")
        for email in ["a@x.io", "b@x.io"] {
            #expect(try await work.salvo("send", "promo", "--var", "email=\(email)").status == 0)
        }
        return work
    }

    @Test("a dropped append-only trigger fails audit verify (exit 1) and store check (exit 4), naming it")
    func schema() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await store(sandbox)
        #expect(try await work.salvo("store", "check").status == 0)
        for trigger in ["ledger_no_update", "ledger_no_delete", "audit_events_no_update"] {
            let copy = try work.copy()
            #expect(try await copy.sqlite("DROP TRIGGER \(trigger)").status == 0)
            let verify = try await copy.salvo("audit", "verify")
            #expect(verify.status == 1, "\(verify)")
            #expect(verify.stdout.contains("FAILED: schema: trigger \(trigger) is missing"), "\(verify)")
            let check = try await copy.salvo("store", "check")
            #expect(check.status == 4 && check.stdout.contains("schema: trigger \(trigger) is missing"), "\(check)")
        }
        let added = try work.copy()
        #expect(try await added.sqlite("CREATE TABLE shadow (x)").status == 0)
        let verify = try await added.salvo("audit", "verify")
        #expect(verify.status == 1 && verify.stdout.contains("schema: table shadow was added"), "\(verify)")
    }

    @Test("a checkpoint kept elsewhere catches a cut tail and a history rewritten with valid hashes")
    func checkpoints() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await store(sandbox)
        let file = work.folder + "/checkpoint.json"
        let written = try await work.salvo("audit", "checkpoint", "--out", file)
        #expect(written.status == 0, "\(written)")
        let document = try #require(try String(contentsOfFile: file, encoding: .utf8).json() as? [String: Any])
        #expect(document["salvo_checkpoint"] as? Int == 1)
        #expect((document["ledger"] as? [String: Any])?["entries"] as? Int == 4)
        #expect((document["audit"] as? [String: Any])?["events"] as? Int == 7, "3 changes, 2 sends of 2 steps")
        // More launches extend the chains: the checkpoint still holds.
        #expect(try await work.salvo("send", "promo", "--var", "email=c@x.io").status == 0)
        let extended = try await work.salvo("audit", "verify", "--witness", file)
        #expect(extended.status == 0, "\(extended)")
        // The newest entries cut: the chain alone still verifies; the checkpoint does not.
        let cut = try work.copy()
        #expect(try await cut.sqlite("DROP TRIGGER ledger_no_delete; DELETE FROM ledger WHERE seq > 2").status == 0)
        let alone = try await cut.salvo("audit", "verify", "--json")
        let problems = (try alone.stdout.json() as? [String: Any])?["problems"] as? [String] ?? []
        #expect(problems.allSatisfy { $0.hasPrefix("schema:") }, "the chain alone verifies: \(problems)")
        let witnessed = try await cut.salvo("audit", "verify", "--witness", file)
        #expect(witnessed.status == 1)
        #expect(
            witnessed.stdout.contains("the ledger does not extend checkpoint \(file) (of ")
                && witnessed.stdout.contains("it saw 4 entries, the store holds 2"), "\(witnessed)")
        // Another store made the same way: every hash valid, another history.
        let other = try await store(sandbox)
        let clean = try await other.salvo("audit", "verify")
        #expect(clean.status == 0, "\(clean)")
        let rewritten = try await other.salvo("audit", "verify", "--witness", file)
        #expect(rewritten.status == 1)
        #expect(rewritten.stdout.contains("its history was rewritten"), "\(rewritten)")
        // Bad witnesses are bad input.
        try "{}".write(toFile: work.folder + "/bad.json", atomically: true, encoding: .utf8)
        let bad = try await work.salvo("audit", "verify", "--witness", work.folder + "/bad.json")
        #expect(bad.status == 2 && bad.stderr.contains("is not a salvo checkpoint"), "\(bad)")
        let missing = try await work.salvo("audit", "verify", "--witness", work.folder + "/none.json")
        #expect(missing.status == 2 && missing.stderr.contains("no such file"), "\(missing)")
    }

    @Test("audit log shows each changed field as before -> after, tokens as fingerprints; --limit and --until")
    func readableLog() async throws {
        let work = try Workspace()
        try await work.addEnvironment("sb", url: "https://one.example.com", token: "first-token-0123456789")
        #expect(try await work.salvo("env", "edit", "sb", "--base-url", "https://two.example.com").status == 0)
        let edit = try await work.run(["env", "edit", "sb", "--token-stdin"], stdin: "second-token-0123456789")
        #expect(edit.status == 0, "\(edit)")
        let log = try await work.salvo("audit", "log")
        #expect(log.stdout.contains("base_url: https://one.example.com -> https://two.example.com"), "\(log)")
        #expect(log.stdout.contains("token: fp:"), "\(log)")
        #expect(!log.stdout.contains("first-token") && !log.stdout.contains("second-token"))
        let last = try await work.salvo("audit", "log", "--limit", "1")
        #expect(last.stdout.split(separator: "\n").count == 2 && last.stdout.contains("token: fp:"), "\(last)")
        let before = try await work.salvo("audit", "log", "--until", "2000-01-01", "--json")
        #expect(before.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(before)")
        #expect(try await work.salvo("audit", "log", "--limit", "0").status == 2)
    }

    @Test("the collection is checked against its audit trail: out-of-band edits are named, salvo's own are not")
    func collection() async throws {
        let work = try Workspace()
        // Every kind of change salvo makes, so that none of them reads as out of band.
        try await work.addEnvironment("a", url: "https://a.example.com")
        try await work.addEnvironment("b", url: "https://b.example.com")
        for command in [
            ["env", "rename", "a", "c"], ["request", "add", "r", "--trigger", "1", "--email", "x@x.io", "--env", "c"],
            ["request", "add", "s", "--trigger", "2", "--email", "y@x.io", "--tag", "t"],
            ["request", "rename", "s", "s2"], ["request", "copy", "s2", "s3"], ["request", "remove", "s3"],
            ["env", "edit", "b", "--guard", "2h"], ["env", "use", "b"], ["env", "rename", "b", "bee"],
            ["env", "remove", "c", "--force"],
            ["export", "collection", "--format", "salvo", "--out", work.folder + "/bundle.json"],
        ] {
            let outcome = try await work.run(command)
            #expect(outcome.status == 0, "\(command): \(outcome)")
        }
        let fresh = try Workspace()
        #expect(try await fresh.salvo("import", work.folder + "/bundle.json").status == 0)
        // Replacing with the same bundle changes nothing, so it records nothing.
        let events = try await fresh.salvo("audit", "log", "--json").stdout
        let replaced = try await fresh.salvo("import", work.folder + "/bundle.json", "--on-conflict", "replace")
        #expect(replaced.status == 0, "\(replaced)")
        #expect(try await fresh.salvo("audit", "log", "--json").stdout == events, "no empty edit events")
        for store in [work, fresh] {
            let clean = try await store.salvo("audit", "verify")
            #expect(clean.status == 0, "\(clean)")
        }
        for (sql, message) in [
            (
                "UPDATE environments SET base_url = 'http://evil.example' WHERE name = 'bee'",
                "environment 'bee' differs from its latest audit event (base_url)"
            ),
            (
                "UPDATE requests SET body = '{\"id\":9,\"matching\":\"email\",\"email\":\"z@x.io\"}' WHERE name = 'r'",
                "request 'r' differs from its latest audit event (body)"
            ),
            ("DELETE FROM requests WHERE name = 's2'", "request 's2' was removed without an audit event"),
            (
                "INSERT INTO requests (name, kind, method, folder, body, created_at, updated_at, uid) VALUES ('ghost', "
                    + "'trigger', 'campaigns/triggers/start', '', '{\"id\":1}', 'x', 'x', 'u')",
                "request 'ghost' exists but no audit event made it"
            ),
            (
                "UPDATE defaults SET environment_id = NULL",
                "the default environment is none; the audit trail says 'bee'"
            ),
            // An identity changed: the guard and the history follow identities, so this would hide launches.
            (
                "UPDATE environments SET uid = '00000000000000000000000000000000' WHERE name = 'bee'",
                "environment 'bee' differs from its latest audit event (uid)"
            ),
            (
                "UPDATE requests SET uid = '00000000000000000000000000000000' WHERE name = 'r'",
                "request 'r' differs from its latest audit event (uid)"
            ),
        ] {
            let copy = try work.copy()
            let edit = try await copy.sqlite(sql)
            #expect(edit.status == 0, "\(sql): \(edit.stderr)")
            let verify = try await copy.salvo("audit", "verify")
            #expect(verify.status == 1, "\(sql): \(verify)")
            #expect(verify.stdout.contains("FAILED: collection: \(message)"), "\(sql): \(verify)")
        }
    }

    @Test("no output path may be the store's own file, through a link either: refused, the store intact")
    func outputOntoTheStore() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await store(sandbox)
        let link = work.folder + "/link.json"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: work.store)
        let before = try work.dump()
        for target in [work.store, link, work.store + "-wal"] where FileManager.default.fileExists(atPath: target) {
            for command in [
                ["audit", "checkpoint", "--out", target], ["export", "history", "--out", target],
                ["export", "collection", "--out", target], ["report", "1", "--out", target],
                ["run", "promo", "--var", "email=c@x.io", "--report", "json=\(target)"],
            ] {
                let outcome = try await work.run(command)
                #expect(outcome.status == 2, "\(command): \(outcome)")
                #expect(outcome.stderr.contains("is the store's own file"), "\(command): \(outcome)")
            }
        }
        #expect(try work.dump() == before, "nothing changed")
        #expect(try await work.salvo("audit", "verify").status == 0)
    }

    @Test("an audit trail emptied with the collection is caught: the ledger names what no event made")
    func wipedTrail() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await store(sandbox)
        let wiped = try work.copy()
        let wipe = try await wiped.sqlite(
            "DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events; DELETE FROM request_tags; "
                + "DELETE FROM requests; DELETE FROM defaults; DELETE FROM environments;")
        #expect(wipe.status == 0, "\(wipe.stderr)")
        let verify = try await wiped.salvo("audit", "verify")
        #expect(verify.status == 1, "\(verify)")
        #expect(
            verify.stdout.contains("collection: the ledger launched to environment 'sb', which no audit event names"),
            "\(verify)")
        #expect(verify.stdout.contains("collection: the ledger launched request 'promo'"), "\(verify)")
    }

    @Test("a run's facts edited, added or removed with sqlite3 fail audit verify, naming the run and field")
    func runsInTheTrail() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await store(sandbox)
        #expect(try await work.salvo("audit", "verify").status == 0)
        for (sql, message) in [
            (
                "UPDATE runs SET os_user = 'mallory', started_at = '2020-01-01T00:00:00.000Z', "
                    + "data_file = '/etc/passwd' WHERE id = 1",
                "run #1 differs from its latest audit event (started_at: "
            ),
            (
                "UPDATE runs SET environment = 'elsewhere' WHERE id = 2",
                "run #2 differs from its latest audit event (environment: sb -> elsewhere)"
            ),
            ("UPDATE runs SET settings = '{\"retries\":9}' WHERE id = 2", "run #2 differs"),
            (
                "INSERT INTO runs (kind, started_at, environment, selection, settings, os_user, host) "
                    + "VALUES ('run', '2026-01-01T00:00:00.000Z', 'sb', '{}', '{}', 'mallory', 'h')",
                "run #3 exists but no audit event records it"
            ),
            ("DELETE FROM ledger WHERE run_id = 2; DELETE FROM runs WHERE id = 2", "run #2 was removed"),
        ] {
            let copy = try work.copy()
            let edit = try await copy.sqlite(sql.hasPrefix("DELETE") ? "DROP TRIGGER ledger_no_delete; " + sql : sql)
            #expect(edit.status == 0, "\(sql): \(edit.stderr)")
            let verify = try await copy.salvo("audit", "verify")
            #expect(verify.status == 1, "\(sql): \(verify)")
            #expect(verify.stdout.contains("FAILED: \(message)"), "\(sql): \(verify)")
        }
        // The log shows runs as the trail recorded them: a forged user does not appear.
        let forged = try work.copy()
        #expect(try await forged.sqlite("UPDATE runs SET os_user = 'mallory'").status == 0)
        let log = try await forged.salvo("audit", "log", "--user", "mallory")
        #expect(log.status == 0 && log.stdout.isEmpty && log.stderr.contains("no changes or launches"), "\(log)")
    }

    @Test("runs older than the run trail enter it at the upgrade, saying so, and verify clean")
    func runsAdoptedAtUpgrade() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await store(sandbox)
        // The store as the previous schema left it: no run events (they are the trail's newest four), and the
        // migration that adds them not applied.
        let old = try work.copy()
        let downgrade = try await old.sqlite(
            "DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE entity = 'run'; "
                + "DELETE FROM grdb_migrations WHERE identifier = '0004_run_trail';")
        #expect(downgrade.status == 0, "\(downgrade.stderr)")
        let verify = try await old.salvo("audit", "verify")
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stdout.hasPrefix("ok: 4 ledger entries and 5 audit events verified"), "\(verify)")
        let log = try await old.salvo("audit", "log")
        #expect(log.stdout.components(separatedBy: "[entered the trail at an upgrade]").count == 3, "\(log)")
        // From then on runs are chained as they happen.
        #expect(try await old.salvo("send", "promo", "--var", "email=c@x.io").status == 0)
        #expect(try await old.salvo("audit", "verify").stdout.contains("and 7 audit events verified"))
    }

    @Test("the ledger records every header that left, as it left: the sandbox received exactly those")
    func headersAsSent() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await store(sandbox)
        // A resend (a retried 5xx) and a replay are framed anew for their own bytes and URL.
        #expect(try await work.salvo("replay", "1", "--force").status == 0)
        let records = await sandbox.records()
        #expect(records.count == 3)
        let launches = try await work.history()
        #expect(launches.count == 3)
        for launch in launches {
            let shown = try await work.salvo("history", "show", "\(launch["id"] ?? 0)", "--json")
            let detail = try #require(shown.stdout.json() as? [String: Any], "\(shown)")
            let attempt = try #require((detail["attempts"] as? [[String: Any]])?.first, "\(shown)")
            let record = try #require(records.first { $0.requestID == detail["request_id"] as? String })
            let recorded = try #require(attempt["headers"] as? [[String]]).map { (name: $0[0], value: $0[1]) }
            #expect(
                recorded.filter { $0.name != "Host" }.map { "\($0.name): \($0.value)" }
                    == record.headers.map { "\($0.name): \($0.value)" })
            #expect(recorded.first { $0.name == "Host" }?.value == record.host && record.host != nil)
            #expect(recorded.last?.name == "Content-Length")
        }
    }
}
