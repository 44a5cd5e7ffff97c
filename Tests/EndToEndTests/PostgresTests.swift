import Foundation
import SalvoTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The same salvo on a team's PostgreSQL store: the binary against a real server (a throwaway cluster), the
/// sandbox's launch log as the judge.
@Suite("A team store on PostgreSQL", .timeLimit(.minutes(5)))
struct PostgresTests {
    /// A workspace on a new database, `store init` done, with environment `sb` (its token read from
    /// `$SB_TOKEN`, which every run gets) and request `promo`.
    private func teamStore(_ sandbox: TestSandbox, guardSeconds: String = "0") async throws -> Workspace {
        let work = try Workspace(store: try await TestPostgres.database())
        work.environment["SB_TOKEN"] = TestSandbox.token
        let initialized = try await work.salvo("store", "init")
        #expect(initialized.status == 0, "\(initialized)")
        let add = try await work.salvo(
            "env", "add", "sb", "--base-url", sandbox.url, "--token-env", "SB_TOKEN", "--guard", guardSeconds)
        #expect(add.status == 0, "\(add)")
        try await work.addRequest("promo", "--trigger", "1", "--phone", "{{phone}}", "--content", "code={{code}}")
        return work
    }

    private func rows(_ work: Workspace, _ count: Int) throws -> String {
        var csv = "phone,code\n"
        for index in 0..<count { csv += "+7\(String(format: "%010d", index)),\(String(format: "%03d", index))\n" }
        let path = work.folder + "/rows.csv"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a database without salvo's schema: every command exits 4 pointing to store init, which makes it once")
    func initialization() async throws {
        let url = try await TestPostgres.database()
        let work = try Workspace(store: url)
        for command in [["env", "list"], ["env", "add", "x", "--base-url", "https://e.example", "--token-env", "T"]] {
            let outcome = try await work.run(command)
            #expect(outcome.status == 4, "\(command): \(outcome)")
            #expect(outcome.stderr.contains("holds no salvo store; create it with `salvo store init`"), "\(outcome)")
        }
        #expect(
            try await TestPostgres.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", on: url) == "0\n"
        )
        let first = try await work.salvo("store", "init")
        #expect(first.status == 0 && first.stdout.contains("is ready (schema version 2)"), "\(first)")
        #expect(try await work.salvo("store", "init").status == 0, "a second init changes nothing")
        let check = try await work.salvo("store", "check")
        #expect(check.status == 0 && check.stdout.hasPrefix("PostgreSQL 15"), "\(check)")
        // The tests' throwaway server runs without fsync: store check says what that risks.
        #expect(check.stdout.contains("warning: fsync is off on the server"), "\(check)")
        let info = try await work.salvo("store", "info", "--json")
        #expect(info.status == 0 && info.stdout.contains(#""schema_version": 2"#), "\(info)")
    }

    @Test("a URL is never a path; a server that cannot be reached exits 4 naming it, never the password")
    func addresses() async throws {
        let work = try Workspace()
        let port = try closedPort()
        let refused = try await work.run(
            ["env", "list"], env: ["SALVO_STORE": "postgres://salvo:hunter2secret@127.0.0.1:\(port)/salvo"])
        #expect(refused.status == 4, "\(refused)")
        #expect(refused.stderr.contains("postgres://salvo@127.0.0.1:\(port)/salvo"), "\(refused)")
        #expect(!(refused.stdout + refused.stderr).contains("hunter2secret"))
        let flag = try await work.run([
            "env", "list", "--store", "postgres://salvo:hunter2secret@127.0.0.1:\(port)/salvo",
        ])
        #expect(
            flag.status == 4 && flag.stderr.contains("the password in --store shows in the process list"), "\(flag)")
        #expect(!(flag.stdout + flag.stderr).contains("hunter2secret"))
        for bad in ["postgres://", "postgres://127.0.0.1/salvo", "postgres://u@h/db?sslmode=maybe"] {
            let outcome = try await work.run(["env", "list"], env: ["SALVO_STORE": bad])
            #expect(outcome.status == 2 && outcome.stderr.contains("store URL"), "\(bad): \(outcome)")
        }
        #expect(!FileManager.default.fileExists(atPath: work.folder + "/postgres:"), "no folder named after a URL")
        #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/postgres:"))
    }

    @Test("no token value in a shared store: --token-stdin is refused, saying to use --token-env; nothing stored")
    func noTokenValues() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await teamStore(sandbox)
        let before = try await TestPostgres.dump(work.store)
        let refused = try await work.run(
            ["env", "add", "prod", "--base-url", sandbox.url, "--token-stdin"], stdin: "a-real-token-123456")
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("holds no token values") && refused.stderr.contains("--token-env"))
        let edit = try await work.run(["env", "edit", "sb", "--token-stdin"], stdin: "a-real-token-123456")
        #expect(edit.status == 2, "\(edit)")
        let after = try await TestPostgres.dump(work.store)
        #expect(after == before, "the store is as it was")
        #expect(!after.contains("a-real-token-123456"))
    }

    @Test("send, run, history, runs, export and audit verify work on PostgreSQL as on SQLite; no token in pg_dump")
    func everyday() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await teamStore(sandbox, guardSeconds: "1d")
        let send = try await work.salvo("send", "promo", "--var", "phone=+79990000001", "--var", "code=007")
        #expect(send.status == 0, "\(send)")
        // The guard sees it from another machine's process too.
        let again = try await work.run(
            ["send", "promo", "--var", "phone=+79990000001", "--var", "code=007"], env: ["USER": "other"])
        #expect(again.status == 0 && again.stdout.contains("skipped   an identical launch"), "\(again)")
        let data = try rows(work, 40)
        let run = try await work.salvo("run", "promo", "--data", data, "--concurrency", "4", "--quiet")
        #expect(run.status == 0, "\(run)")
        let delivered = await sandbox.deliveries()
        #expect(delivered.count == 41 && delivered.values.allSatisfy { $0 == 1 }, "\(delivered)")
        let records = await sandbox.records()
        #expect(records.contains { $0.body.contains(#""phone":"+79990000001""#) && $0.body.contains(#""code":"007""#) })
        let history = try await work.history("--limit", "100")
        #expect(history.count == 42 && history.filter { $0["result"] as? String == "ok" }.count == 41)
        let runs = try await work.salvo("runs", "--json")
        #expect(runs.status == 0 && runs.stdout.contains(#""state": "finished""#), "\(runs)")
        let export = try await work.salvo("export", "history", "--format", "ndjson")
        #expect(export.status == 0 && export.stdout.split(separator: "\n").count == 42)
        let verify = try await work.salvo("audit", "verify")
        #expect(verify.status == 0 && verify.stdout.hasPrefix("ok: 84 ledger entries"), "\(verify)")
        let dump = try await TestPostgres.dump(work.store)
        #expect(dump.contains("+79990000001") && !dump.contains(TestSandbox.token), "no token in the database")
    }

    @Test("import into PostgreSQL exports the same bytes; store copy there and back keeps the chains and the guard")
    func importAndCopy() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let local = try Workspace()
        try await InterchangeTests.richCollection(local)
        let add = try await local.run(
            ["env", "add", "sb", "--base-url", sandbox.url, "--token-stdin", "--guard", "1d"],
            stdin: TestSandbox.token)
        #expect(add.status == 0, "\(add)")
        try await local.addRequest("promo", "--trigger", "1", "--phone", "{{phone}}", "--env", "sb")
        #expect(try await local.salvo("send", "promo", "--var", "phone=+79990000007").status == 0)
        let bundle = try await local.salvo("export", "collection", "--format", "salvo")
        let file = local.folder + "/bundle.json"
        try bundle.stdout.write(toFile: file, atomically: true, encoding: .utf8)

        let team = try Workspace(store: try await TestPostgres.database())
        #expect(try await team.salvo("store", "init").status == 0)
        let dry = try await team.salvo("import", file, "--dry-run")
        let requests = try await TestPostgres.query("SELECT count(*) FROM requests", on: team.store)
        #expect(dry.status == 0 && requests == "0\n", "a dry run writes nothing")
        let imported = try await team.salvo("import", file)
        #expect(imported.status == 0, "\(imported)")
        let exported = try await team.salvo("export", "collection", "--format", "salvo")
        #expect(exported.stdout == bundle.stdout, "SQLite, then PostgreSQL: the same bundle")

        // The whole store, ledger and trail, into a new database: the same ledger head, no token value.
        let target = try await TestPostgres.database()
        let copy = try await local.salvo("store", "copy", "--to", target, "--token-env", "SB_TOKEN")
        #expect(copy.status == 0, "\(copy)")
        #expect(copy.stdout.contains("environment 'sb' kept its token in the source: there it reads $SB_TOKEN"))
        let head = try #require(
            try await local.salvo("audit", "verify").stdout.split(separator: "\n").dropFirst().first)
        let copied = try Workspace(store: target)
        copied.environment["SB_TOKEN"] = TestSandbox.token
        let verify = try await copied.salvo("audit", "verify")
        #expect(verify.status == 0 && verify.stdout.contains(head), "\(verify)")
        let dump = try await TestPostgres.dump(target)
        #expect(!dump.contains(TestSandbox.token))
        // The copied ledger guards: the same launch from the team store is skipped.
        let again = try await copied.salvo("send", "promo", "--var", "phone=+79990000007")
        #expect(again.status == 0 && again.stdout.contains("skipped"), "\(again)")
        #expect(await sandbox.deliveries().values.allSatisfy { $0 == 1 })
        let before = try await TestPostgres.dump(target)
        let refused = try await local.salvo("store", "copy", "--to", target)
        #expect(refused.status == 2 && refused.stderr.contains("already holds a store's records"), "\(refused)")
        let after = try await TestPostgres.dump(target)
        #expect(after == before, "the target is as it was")

        // And back into a new SQLite file.
        let back = copied.folder + "/back.db"
        let home = try await copied.salvo("store", "copy", "--to", back)
        #expect(home.status == 0, "\(home)")
        let backVerify = try await Workspace(store: back).salvo("audit", "verify")
        #expect(backVerify.status == 0 && backVerify.stdout.contains("ledger entries"), "\(backVerify)")
    }

    @Test("store init --create-role: machines launch as a role that cannot change the ledger or the trail")
    func launcherRole() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let url = try await TestPostgres.database()
        let role = "launcher_\(UInt32.random(in: 0...UInt32.max))"
        let owner = try Workspace(store: url)
        let bad = try await owner.salvo("store", "init", "--create-role", "bad-name")
        #expect(bad.status == 2 && bad.stderr.contains("is not a role name"), "\(bad)")
        let initialized = try await owner.salvo("store", "init", "--create-role", role)
        #expect(initialized.status == 0 && initialized.stdout.contains("role \(role) may launch"), "\(initialized)")
        #expect(try await owner.salvo("store", "init", "--create-role", role).status == 0, "again: nothing new")

        let launcher = try Workspace(
            store: url.replacingOccurrences(of: "postgres://salvo@", with: "postgres://\(role)@"))
        launcher.environment["SB_TOKEN"] = TestSandbox.token
        #expect(
            try await launcher.salvo("env", "add", "sb", "--base-url", sandbox.url, "--token-env", "SB_TOKEN").status
                == 0)
        try await launcher.addRequest("promo", "--trigger", "1", "--phone", "{{phone}}", "--content", "code=1")
        let data = try rows(launcher, 20)
        #expect(try await launcher.salvo("run", "promo", "--data", data, "--quiet").status == 0)
        #expect(try await launcher.salvo("request", "remove", "promo").status == 0)
        let check = try await launcher.salvo("store", "check")
        #expect(check.status == 0, "\(check)")
        #expect(try await launcher.salvo("audit", "verify").status == 0)
        for statement in [
            "DELETE FROM ledger", "UPDATE audit_events SET name = 'x'", "TRUNCATE audit_events CASCADE",
            "ALTER TABLE ledger DISABLE TRIGGER ledger_no_update",
        ] {
            await #expect(throws: (any Error).self, "\(statement)") {
                try await TestPostgres.execute(statement, on: launcher.store)
            }
        }
        #expect(await sandbox.deliveries().count == 20)
        // What the role may do to the chains' head rows, audit verify catches.
        try await TestPostgres.execute("UPDATE chain_heads SET seq = seq + 5 WHERE chain = 'audit'", on: launcher.store)
        let moved = try await launcher.salvo("audit", "verify")
        #expect(moved.status == 1 && moved.stdout.contains("head row (chain_heads) was changed"), "\(moved)")
        let powerful = try await launcher.salvo("store", "init", "--store", url, "--create-role", "salvo")
        #expect(
            powerful.status == 2 && powerful.stderr.contains("is a superuser or the store's owner"), "\(powerful)")
    }

    @Test("tampering through psql (a trigger disabled, a row edited, a run forged) fails audit verify")
    func tampering() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await teamStore(sandbox)
        #expect(try await work.salvo("send", "promo", "--var", "phone=+79990000002", "--var", "code=1").status == 0)
        await #expect(throws: (any Error).self) {
            try await TestPostgres.execute("UPDATE ledger SET recipient = 'x'", on: work.store)
        }
        await #expect(throws: (any Error).self) {
            try await TestPostgres.execute("TRUNCATE ledger CASCADE", on: work.store)
        }
        #expect(try await work.salvo("audit", "verify").status == 0)
        try await TestPostgres.execute("UPDATE runs SET os_user = 'mallory'", on: work.store)
        let forged = try await work.salvo("audit", "verify")
        #expect(forged.status == 1 && forged.stdout.contains("run #1 differs"), "\(forged)")
        try await TestPostgres.execute(
            "ALTER TABLE ledger DISABLE TRIGGER ledger_no_update; UPDATE ledger SET recipient = '+70000000000' "
                + "WHERE seq = 1", on: work.store)
        let verify = try await work.salvo("audit", "verify")
        #expect(verify.status == 1, "\(verify)")
        #expect(verify.stdout.contains("ledger entry #1 was changed"), "\(verify)")
        #expect(verify.stdout.contains("schema: trigger ledger_no_update is disabled"), "\(verify)")
    }

    @Test("killed with SIGKILL mid-run and resumed on PostgreSQL: every row delivered exactly once")
    func killAndResume() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await teamStore(sandbox)
        let data = try rows(work, 300)
        // A resume waits out the run's timeout before it re-sends an attempt that has no answer (it may still be
        // in flight from a process that lost the store but not the platform): a short one keeps the test short.
        var (process, output) = try work.spawn([
            "run", "promo", "--data", data, "--concurrency", "8", "--timeout", "3", "--quiet",
        ])
        for point in [60, 180] {
            #expect(await eventually(60) { await sandbox.records().count >= point || !process.isRunning })
            kill(process.processIdentifier, SIGKILL)
            await waitForExit(process)
            (process, output) = try work.spawn(["run", "--resume", "1", "--quiet"])
        }
        await waitForExit(process)
        #expect(process.terminationStatus == 0, "\(said(output))")
        let delivered = await sandbox.deliveries()
        #expect(
            delivered.count == 300 && delivered.values.allSatisfy { $0 == 1 }, "\(delivered.filter { $0.value != 1 })")
        let history = try await work.history("--run", "1", "--limit", "1000")
        #expect(history.count == 300 && history.allSatisfy { $0["result"] as? String == "ok" })
        #expect(try await work.salvo("audit", "verify").status == 0)
    }

    @Test("the PostgreSQL server restarted mid-run: the run exits 4 within its answer timeout, resumes, sends once")
    func serverRestart() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 2 }
        defer { Task { await sandbox.stop() } }
        let server = try await OwnPostgres.start()
        let work = try Workspace(store: try await server.database())
        work.environment["SB_TOKEN"] = TestSandbox.token
        work.environment["SALVO_STORE_TIMEOUT"] = "3"
        #expect(try await work.salvo("store", "init").status == 0)
        #expect(
            try await work.salvo("env", "add", "sb", "--base-url", sandbox.url, "--token-env", "SB_TOKEN").status == 0)
        try await work.addRequest("promo", "--trigger", "1", "--phone", "{{phone}}", "--content", "code={{code}}")
        let data = try rows(work, 400)
        let (run, output) = try work.spawn(["run", "promo", "--data", data, "--concurrency", "8", "--quiet"])
        #expect(await eventually(60) { await sandbox.records().count >= 60 || !run.isRunning })
        try await server.restart()
        #expect(await eventually(30) { !run.isRunning }, "no hang: the run ends on its own")
        if run.isRunning { kill(run.processIdentifier, SIGKILL) }
        await waitForExit(run)
        #expect([0, 4].contains(run.terminationStatus), "\(run.terminationStatus)")
        if run.terminationStatus != 0 {
            let said = try String(contentsOfFile: output, encoding: .utf8)
            #expect(
                said.contains("salvo run --resume 1") && !said.contains("PSQLError"),
                "exit \(run.terminationStatus): \(said)")
            let resume = try await work.salvo("run", "--resume", "1", "--quiet")
            #expect(resume.status == 0, "\(resume)")
        }
        let delivered = await sandbox.deliveries()
        #expect(
            delivered.count == 400 && delivered.values.allSatisfy { $0 == 1 }, "\(delivered.filter { $0.value != 1 })")
        #expect(try await work.salvo("audit", "verify").status == 0)
    }

    @Test(
        "two machines running the same recipients at the same moment with the guard on: each delivered once",
        arguments: [false, true])
    func guardAcrossProcesses(onPostgres: Bool) async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 5 }
        defer { Task { await sandbox.stop() } }
        let work: Workspace
        if onPostgres {
            work = try await teamStore(sandbox, guardSeconds: "1d")
        } else {
            work = try Workspace()
            work.environment["SB_TOKEN"] = TestSandbox.token
            #expect(
                try await work.salvo(
                    "env", "add", "sb", "--base-url", sandbox.url, "--token-env", "SB_TOKEN", "--guard", "1d"
                ).status == 0)
            try await work.addRequest("promo", "--trigger", "1", "--phone", "{{phone}}", "--content", "code={{code}}")
        }
        let data = try rows(work, 60)
        let machines = try (0..<3).map { _ in
            try work.spawn(["run", "promo", "--data", data, "--concurrency", "4", "--quiet"]).process
        }
        for machine in machines { await waitForExit(machine) }
        let delivered = await sandbox.deliveries()
        #expect(delivered.count == 60, "\(delivered.count)")
        #expect(delivered.values.allSatisfy { $0 == 1 }, "\(delivered.filter { $0.value != 1 })")
        let history = try await work.history("--limit", "1000")
        #expect(history.count == 180 && history.filter { $0["result"] as? String == "ok" }.count == 60)
        #expect(try await work.salvo("audit", "verify").status == 0)
    }
}
