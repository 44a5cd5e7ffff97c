import Foundation
import SalvoCore
import Testing

/// Habits users bring from Newman: repeatable `--folder` and `--tag`, data from standard input, a history that
/// follows new launches.
@Suite("Newman habits: repeatable --folder and --tag, --data -", .timeLimit(.minutes(5)))
struct NewmanHabitsTests {
    @Test("--folder and --tag repeat: any of the folders in the order given, any of the tags, each request once")
    func repeatableSelection() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url, extra: ["--guard", "0"])
        for (name, folder, tag) in [
            ("a1", "alpha", "t"), ("b1", "beta", "u"), ("b2", "beta/deep", "t"), ("c1", "gamma", "u"),
        ] {
            try await work.addRequest(
                name, "--trigger", "1", "--email", "\(name)@example.com", "--folder", folder, "--tag", tag)
        }
        func sent(_ arguments: String...) async throws -> [String] {
            let before = await sandbox.records().count
            let run = try await work.run(["run"] + arguments)
            #expect(run.status == 0, "\(arguments): \(run)")
            return await sandbox.records().dropFirst(before).compactMap(\.recipient).map { String($0.prefix(2)) }
        }
        #expect(try await sent("--folder", "beta", "--folder", "alpha") == ["b1", "b2", "a1"])
        #expect(try await sent("--folder", "beta/deep", "--folder", "beta") == ["b2", "b1"])
        #expect(try await sent("--tag", "u", "--tag", "nothing") == ["b1", "c1"])
        #expect(try await sent("--folder", "beta", "--folder", "gamma", "--tag", "u") == ["b1", "c1"])
        #expect(try await sent("c1", "a1", "--tag", "t", "--tag", "u") == ["c1", "a1"])
        let shown = try await work.salvo("runs", "show", "4", "--json")
        let selection = (try shown.stdout.json() as? [String: Any])?["selection"] as? [String: Any]
        #expect(selection?["folders"] as? [String] == ["beta", "gamma"] && selection?["tags"] as? [String] == ["u"])

        let list = try await work.salvo("request", "list", "--folder", "gamma", "--folder", "alpha", "--json")
        let names = (try list.stdout.json() as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["a1", "c1"], "request list: any of the folders, in the collection's order")
        let before = try work.dump()
        let none = try await work.salvo("run", "--folder", "alpha", "--tag", "u")
        #expect(none.status == 2 && none.stderr.contains("nothing to run"), "\(none)")
        let unknown = try await work.salvo("run", "--folder", "beta", "--folder", "betta")
        #expect(unknown.status == 2 && unknown.stderr.contains("--folder betta"), "one unknown folder of several")
        let bad = try await work.salvo("run", "--folder", "beta", "--folder", "/x")
        #expect(bad.status == 2 && bad.stderr.contains("/x"), "\(bad)")
        #expect(try work.dump() == before, "a refused run changes nothing")
    }

    @Test("--data - reads standard input byte for byte; the copy beside the store goes when the run has ended")
    func standardInput() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox)
        let csv = "phone,code\n+79161234567,007\n+79160000000,\"1,2\"\n"
        let run = try await work.run(["run", "promo", "--data", "-"], stdin: csv)
        #expect(run.status == 0, "\(run)")
        let bodies = await sandbox.records().map(\.body)
        #expect(bodies.count == 2 && bodies[0].contains(#""phone":"+79161234567","content":{"code":"007"}"#))
        let copies = work.folder + "/store/stdin-data"
        #expect(!FileManager.default.fileExists(atPath: copies), "the copy is removed")
        let shown = try await work.salvo("runs", "show", "1", "--json")
        let recorded = (try shown.stdout.json() as? [String: Any])?["data_sha256"] as? String
        #expect(recorded == SHA256Hex.digest(csv), "the run records the SHA-256 of what came in")

        let json = try await work.run(
            ["run", "promo", "--data", "-"], stdin: #" [{"phone":"+70000000001","code":"0"}]"#)
        #expect(json.status == 0, "a JSON array is told by its first character: \(json)")
        let before = try work.dump()
        let empty = try await work.run(["run", "promo", "--data", "-"], stdin: "")
        #expect(empty.status == 2 && empty.stderr.contains("standard input was empty"), "\(empty)")
        #expect(!FileManager.default.fileExists(atPath: copies), "nothing kept, not even the folder")
        let gap = try await work.run(["run", "promo", "--data", "-"], stdin: "phone\n+70000000002\n")
        #expect(gap.status == 2 && gap.stderr.contains("--data -") && !gap.stderr.contains("stdin-data"), "\(gap)")
        #expect(try work.dump() == before && !FileManager.default.fileExists(atPath: copies), "no copy, no folder")
    }

    @Test("a run from standard input killed midway keeps its copy, and its resume sends each launch once")
    func standardInputResume() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 40 }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 40)
        let (process, _) = try work.spawn(["run", "promo", "--data", "-", "--quiet"], stdin: work.folder + "/rows.csv")
        #expect(await eventually(30) { await sandbox.records().count >= 5 })
        process.signal(SIGKILL)
        _ = await process.exit()
        let copies = work.folder + "/store/stdin-data"
        let kept = try FileManager.default.contentsOfDirectory(atPath: copies)
        #expect(kept.count == 1 && kept[0].hasSuffix(".csv"), "\(kept)")
        let file = try FileManager.default.attributesOfItem(atPath: copies + "/" + kept[0])
        let folder = try FileManager.default.attributesOfItem(atPath: copies)
        #expect(
            file[.posixPermissions] as? Int == 0o600 && folder[.posixPermissions] as? Int == 0o700, "recipients' data")
        let resume = try await work.salvo("run", "--resume", "1")
        #expect(resume.status == 0 && resume.stderr.contains(" of 40 launch(es) left"), "\(resume)")
        let deliveries = await sandbox.deliveries()
        #expect(deliveries.count == 40 && deliveries.values.allSatisfy { $0 == 1 }, "\(deliveries)")
        #expect(!FileManager.default.fileExists(atPath: copies), "removed once the run ended")
    }
}

@Suite("history --follow and listings that say when more rows exist", .timeLimit(.minutes(5)))
struct FollowTests {
    @Test("history --follow prints the last launches, then each new one once answered, until Ctrl-C (exit 0)")
    func follow() async throws {
        let sandbox = try await TestSandbox.start { $0.latencyMilliseconds = 300 }
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 3)
        #expect(try await work.salvo("send", "promo", "--var", "phone=+70000000001", "--var", "code=1").status == 0)
        let (follower, output) = try work.spawn(["history", "--follow", "--json", "--limit", "1"])
        func lines() -> [[String: Any]] {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
        #expect(await eventually(20) { lines().count == 1 }, "the backlog: the last launch")
        let run = try await work.salvo("run", "promo", "--data", work.folder + "/rows.csv", "--concurrency", "3")
        #expect(run.status == 0, "\(run)")
        #expect(await eventually(20) { lines().count == 4 }, "\(lines())")
        let shown = lines()
        #expect(shown.allSatisfy { $0["result"] as? String == "ok" }, "each shown once answered: \(shown)")
        #expect(Set(shown.dropFirst().compactMap { $0["recipient"] as? String }).count == 3)
        let ids = shown.compactMap { $0["id"] as? Int }
        #expect(ids == ids.sorted() && Set(ids).count == 4, "oldest first, each once: \(ids)")
        follower.signal(SIGINT)
        #expect(await follower.exit() == 0, "Ctrl-C ends a follow without an error")
    }

    @Test("history and runs say when more rows exist than --limit shows")
    func more() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try await Workspace.prepared(sandbox, rows: 2)
        #expect(try await work.salvo("run", "promo", "--data", work.folder + "/rows.csv").status == 0)
        #expect(try await work.salvo("send", "promo", "--var", "phone=+70000000009", "--var", "code=1").status == 0)
        let history = try await work.salvo("history", "--limit", "2")
        #expect(history.stderr.contains("more launches match") && history.stdout.split(separator: "\n").count == 3)
        let all = try await work.salvo("history", "--limit", "3")
        #expect(!all.stderr.contains("more launches match"), "\(all)")
        let runs = try await work.salvo("runs", "--limit", "1")
        #expect(runs.stderr.contains("more runs exist") && !runs.stdout.contains("run   1"), "\(runs)")
        #expect(!(try await work.salvo("runs", "--limit", "2")).stderr.contains("more runs"))
    }
}
