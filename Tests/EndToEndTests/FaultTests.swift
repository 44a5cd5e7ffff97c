import Foundation
import SalvoCore
import SalvoTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Serialized: each test loads the machine on its own (many processes, thousands of launches), and together they
/// starved the timing-sensitive tests of the other suites on two cores.
@Suite(
    "Faults: kills, a misbehaving platform, concurrent processes, a full disk, a read-only store", .serialized,
    .timeLimit(.minutes(5)))
struct FaultTests {
    /// The seeds of the kill rounds: `SALVO_FAULT_SEEDS=3,17` replays chosen ones.
    static let seeds: [UInt64] = {
        let given = ProcessInfo.processInfo.environment["SALVO_FAULT_SEEDS"]?.split(separator: ",")
            .compactMap { UInt64($0) }
        return given.flatMap { $0.isEmpty ? nil : $0 } ?? Array(1...10)
    }()

    /// Every attempt of the ledger, from `export history`, as objects.
    static func attempts(_ work: Workspace, run: Int = 1) async throws -> [[String: Any]] {
        let export = try await work.salvo("export", "history", "--run", "\(run)")
        #expect(export.status == 0, "\(export)")
        return try export.stdout.lines.map { try #require(try String($0).json() as? [String: Any]) }
    }

    @Test("SIGKILL at seeded random points, then --resume: every row delivered once, every attempt answered")
    func killRounds() async throws {
        for seed in Self.seeds {
            var random = SplitMix64(seed: seed)
            let rows = 120
            let sandbox = try await TestSandbox.start {
                $0.latencyMilliseconds = Int.random(in: 0...15, using: &random)
                $0.seed = seed
            }
            defer { Task { await sandbox.stop() } }
            let work = try await Workspace.prepared(sandbox, rows: rows)
            let concurrency = Int.random(in: 1...16, using: &random)
            let kills = (0..<Int.random(in: 1...3, using: &random)).map { _ in Int.random(in: 1..<rows, using: &random)
            }
            .sorted()
            print("fault round: seed \(seed), concurrency \(concurrency), kills after \(kills) launches")
            var process = try work.spawn([
                "run", "promo", "--data", work.folder + "/rows.csv", "--concurrency", "\(concurrency)", "--quiet",
            ]).process
            for point in kills {
                _ = await eventually(30) { await sandbox.records().count >= point || !process.isRunning }
                kill(process.processIdentifier, SIGKILL)
                await waitForExit(process)
                process = try work.spawn(["run", "--resume", "1", "--quiet"]).process
            }
            await waitForExit(process)
            var status = process.terminationStatus
            for _ in 0..<3 where status == 3 {
                status = try await work.salvo("run", "--resume", "1", "--quiet").status
            }
            #expect(status == 0, "seed \(seed): the run finishes")
            let delivered = await sandbox.deliveries()
            #expect(delivered.count == rows, "seed \(seed): every row delivered")
            #expect(
                delivered.values.allSatisfy { $0 == 1 },
                "seed \(seed): none twice: \(delivered.filter { $0.value != 1 })")
            let attempts = try await Self.attempts(work)
            #expect(
                attempts.allSatisfy { $0["outcome"] is [String: Any] }, "seed \(seed): every attempt has an outcome")
            let history = try await work.history("--run", "1", "--limit", "1000")
            #expect(history.count == rows && history.allSatisfy { $0["result"] as? String == "ok" }, "seed \(seed)")
        }
    }

    @Test("latency, 5xx, 429, resets and HTML errors at once, with retries: the ledger matches the sandbox's log")
    func everyMisbehaviour() async throws {
        let sandbox = try await TestSandbox.start {
            $0.latencyMilliseconds = 3
            $0.failRate = 0.1
            $0.throttleRate = 0.1
            $0.resetRate = 0.1
            $0.htmlErrors = true
            $0.retryAfterSeconds = 0
            $0.seed = 42
        }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 300)
        var run = try await work.salvo(
            "run", "promo", "--data", work.folder + "/rows.csv", "--concurrency", "8", "--retries", "3", "--quiet")
        for _ in 0..<5 where run.status == 3 { run = try await work.salvo("run", "--resume", "1", "--quiet") }
        #expect(run.status == 0 || run.status == 1, "\(run)")
        let records = await sandbox.records()
        for kind in ["throttled", "failed", "reset"] {
            #expect(records.contains { $0.misbehaviour == kind }, "the sandbox applied \(kind)")
        }
        #expect(records.contains { $0.status == 502 }, "HTML error pages")
        // Request by request: what the sandbox logged for a Request-ID, in order, is what the ledger recorded.
        func answer(status: Int?, reset: Bool) -> String { reset ? "reset" : "\(status ?? -1)" }
        var logged: [String: [String]] = [:]
        var deliveredIDs: [String: Int] = [:]
        for record in records.sorted(by: { $0.seq < $1.seq }) {
            guard let id = record.requestID else { continue }
            logged[id, default: []].append(answer(status: record.status, reset: record.misbehaviour == "reset"))
            if record.delivered { deliveredIDs[id, default: 0] += 1 }
        }
        var recorded: [String: [(try: Int, answer: String)]] = [:]
        var details: [String: [String]] = [:]
        for attempt in try await Self.attempts(work) {
            let id = try #require(attempt["request_id"] as? String)
            let outcome = try #require(attempt["outcome"] as? [String: Any], "attempt \(id) has an outcome")
            recorded[id, default: []].append(
                (
                    attempt["try"] as? Int ?? 0,
                    answer(status: outcome["http_status"] as? Int, reset: outcome["transport_error"] is String)
                ))
            details[id, default: []].append("\(attempt["try"] ?? "?"): \(outcome)")
        }
        #expect(Set(recorded.keys) == Set(logged.keys), "the same Request-IDs on both sides")
        // Each try the ledger holds is one the sandbox logged, with the same answer, or (an answer lost on the way
        // when a connection dies, as on a real network) a transport error: the ledger never shows an answer the
        // platform did not give, and a launch whose answer was lost is settled by its next try's Request-ID.
        for (id, tries) in recorded {
            let ours = tries.sorted { $0.try < $1.try }.map(\.answer)
            let theirs = logged[id] ?? []
            #expect(ours.count == theirs.count, "Request-ID \(id): \(ours) vs \(theirs)")
            for (mine, sandboxs) in zip(ours, theirs) {
                #expect(
                    mine == sandboxs || mine == "reset", "Request-ID \(id): \(ours) vs \(theirs): \(details[id] ?? [])")
            }
        }
        #expect(deliveredIDs.values.allSatisfy { $0 == 1 }, "no Request-ID delivered twice")
        for launch in try await work.history("--run", "1", "--limit", "1000") {
            let recipient = launch["recipient"] as? String ?? ""
            let delivered = await sandbox.deliveries()[recipient]
            switch launch["result"] as? String {
            case "ok": #expect(delivered == 1, "\(recipient): ok and delivered once")
            case "rejected": #expect(delivered == nil, "\(recipient): rejected and never delivered")
            default: Issue.record("\(recipient) ended \(launch["result"] ?? "?") after resumes")
            }
        }
    }

    @Test("two runs and history exports on one store at once: nothing lost, no 'database is locked'")
    func concurrentProcesses() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 2 }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 400)
        var csv = "phone,code\n"
        for index in 0..<400 { csv += "+8\(String(format: "%010d", index)),\(index)\n" }
        try csv.write(toFile: work.folder + "/other.csv", atomically: true, encoding: .utf8)
        async let first = work.salvo(
            "run", "promo", "--data", work.folder + "/rows.csv", "--concurrency", "4", "--quiet")
        async let second = work.salvo(
            "run", "promo", "--data", work.folder + "/other.csv", "--concurrency", "4", "--quiet")
        async let exports: [Outcome] = {
            var outcomes: [Outcome] = []
            for _ in 0..<15 { outcomes.append(try await work.salvo("export", "history", "--format", "csv")) }
            return outcomes
        }()
        let (a, b, e) = try await (first, second, exports)
        #expect(a.status == 0 && b.status == 0, "\(a)\n\(b)")
        for outcome in [a, b] + e {
            #expect(!outcome.stderr.contains("locked"), "\(outcome)")
        }
        #expect(e.allSatisfy { $0.status == 0 })
        let delivered = await sandbox.deliveries()
        #expect(delivered.count == 800 && delivered.values.allSatisfy { $0 == 1 })
        let final = try await work.salvo("export", "history", "--format", "csv")
        #expect(final.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 801)
        #expect(try await work.salvo("audit", "verify").status == 0)
    }

    @Test(
        "the disk fills up mid-run: exit 4 saying so; after space is freed --resume completes it, nothing doubled",
        .enabled(if: SmallFileSystem.available, "needs a tmpfs mount (root with CAP_SYS_ADMIN)"))
    func diskFull() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        let disk = try await SmallFileSystem(at: work.folder + "/small", megabytes: 2)
        defer { Task { await disk.unmount() } }
        let store = disk.path + "/salvo.db"
        let env = ["SALVO_STORE": store]
        #expect(
            try await work.run(
                ["env", "add", "sb", "--base-url", sandbox.url, "--token-stdin", "--guard", "0"],
                stdin: TestSandbox.token, env: env
            ).status == 0)
        let padding = String(repeating: "x", count: 1_500)
        #expect(
            try await work.run(
                [
                    "request", "add", "big", "--trigger", "1", "--phone", "{{phone}}", "--content",
                    "pad=\(padding)", "--content", "code={{code}}",
                ], env: env
            ).status == 0)
        var csv = "phone,code\n"
        for index in 0..<1_500 { csv += "+7\(String(format: "%010d", index)),\(index)\n" }
        try csv.write(toFile: work.folder + "/rows.csv", atomically: true, encoding: .utf8)
        let full = try await work.run(
            ["run", "big", "--data", work.folder + "/rows.csv", "--concurrency", "4", "--quiet"], env: env)
        #expect(full.status == 4, "\(full)")
        #expect((full.stdout + full.stderr).contains("full"), "\(full)")
        let sentBeforeResume = await sandbox.records().count
        #expect(sentBeforeResume < 1_500, "salvo stopped dispatching")
        try await disk.resize(megabytes: 64)
        var resumed = try await work.run(["run", "--resume", "1", "--quiet"], env: env)
        for _ in 0..<2 where resumed.status == 3 {
            resumed = try await work.run(["run", "--resume", "1", "--quiet"], env: env)
        }
        #expect(resumed.status == 0, "\(resumed)")
        let delivered = await sandbox.deliveries()
        #expect(delivered.count == 1_500 && delivered.values.allSatisfy { $0 == 1 }, "every row once")
        #expect(try await work.run(["audit", "verify"], env: env).status == 0)
    }

    @Test(
        "a read-only store: commands that read work; writes exit 4 with a clear message",
        .enabled(if: SmallFileSystem.available, "needs a tmpfs mount (root with CAP_SYS_ADMIN)"))
    func readOnlyStore() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        let disk = try await SmallFileSystem(at: work.folder + "/ro", megabytes: 8)
        defer { Task { await disk.unmount() } }
        let env = ["SALVO_STORE": disk.path + "/salvo.db"]
        #expect(
            try await work.run(
                ["env", "add", "sb", "--base-url", sandbox.url, "--token-stdin"],
                stdin: TestSandbox.token, env: env
            ).status == 0)
        #expect(
            try await work.run(["request", "add", "w", "--trigger", "1", "--email", "a@x.io"], env: env).status == 0)
        #expect(try await work.run(["send", "w"], env: env).status == 0)
        // Once with the WAL salvo leaves behind, once without (sqlite3 checkpoints and removes it on close).
        for withWAL in [true, false] {
            if !withWAL {
                try await disk.remount(readOnly: false)
                let checkpoint = try Child(
                    "/usr/bin/sqlite3", [disk.path + "/salvo.db", "PRAGMA wal_checkpoint(TRUNCATE);"], environment: [:])
                await checkpoint.exit()
                #expect(!FileManager.default.fileExists(atPath: disk.path + "/salvo.db-wal"))
            }
            try await disk.remount(readOnly: true)
            for reading in [
                ["request", "list"], ["env", "list"], ["history"], ["history", "show", "1"],
                ["export", "history"], ["audit", "verify"], ["audit", "log"], ["store", "info"], ["runs"],
            ] {
                let outcome = try await work.run(reading, env: env)
                #expect(outcome.status == 0, "WAL \(withWAL), \(reading): \(outcome)")
            }
            let history = try await work.run(["history", "--json"], env: env)
            #expect((try history.stdout.json() as? [Any])?.count == 1, "WAL \(withWAL): the send is there")
            for writing in [
                ["request", "add", "v", "--trigger", "1", "--email", "b@x.io"], ["send", "w", "--force"],
                ["env", "edit", "sb", "--guard", "1h"],
            ] {
                let outcome = try await work.run(writing, env: env)
                #expect(outcome.status == 4, "WAL \(withWAL), \(writing): \(outcome)")
                #expect(outcome.stderr.contains("read-only"), "\(writing): \(outcome.stderr)")
            }
        }
        #expect(await sandbox.records().count == 1, "a send that cannot be recorded is not sent")
    }
}

/// A tmpfs mounted for a test: small, so it fills up, or remounted read-only.
struct SmallFileSystem {
    let path: String

    /// Whether this process can mount one (root with CAP_SYS_ADMIN, as in CI's container).
    static let available: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("salvo-mount-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard command(["/bin/mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]) == 0 else { return false }
        _ = command(["/bin/umount", probe])
        return true
    }()

    init(at path: String, megabytes: Int) async throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.command(["/bin/mount", "-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", path]) == 0
        else { throw InputFailure("cannot mount a tmpfs at \(path)") }
    }

    func resize(megabytes: Int) async throws {
        guard Self.command(["/bin/mount", "-o", "remount,size=\(megabytes)m", path]) == 0 else {
            throw InputFailure("cannot resize \(path)")
        }
    }

    func remount(readOnly: Bool) async throws {
        guard Self.command(["/bin/mount", "-o", "remount,\(readOnly ? "ro" : "rw")", path]) == 0 else {
            throw InputFailure("cannot remount \(path)")
        }
    }

    func unmount() async { _ = Self.command(["/bin/umount", "-l", path]) }

    /// Runs a short system command (mount, umount) to its end.
    private static func command(_ arguments: [String]) -> Int32 {
        let child = try? Child(arguments[0], Array(arguments.dropFirst()), environment: [:], stderr: "/dev/null")
        return child?.exitBlocking() ?? -1
    }
}

struct InputFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
