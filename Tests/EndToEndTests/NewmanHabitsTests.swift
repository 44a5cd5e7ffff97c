import Foundation
import Testing

/// Habits users bring from Newman: repeatable `--folder` and `--tag`, data from standard input, a history that
/// follows new launches.
@Suite("Newman habits: repeatable --folder and --tag", .timeLimit(.minutes(5)))
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
        let bad = try await work.salvo("run", "--folder", "beta", "--folder", "/x")
        #expect(bad.status == 2 && bad.stderr.contains("/x"), "\(bad)")
        #expect(try work.dump() == before, "a refused run changes nothing")
    }
}
