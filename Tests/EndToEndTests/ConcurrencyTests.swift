import Foundation
import SalvoTestSupport
import Testing

@Suite("Several salvo processes on one store", .timeLimit(.minutes(5)))
struct ConcurrencyTests {
    @Test("two processes adding 500 requests each to one new store: 1000 requests, no error")
    func twoWriters() async throws {
        let work = try Workspace()
        let failures = try await withThrowingTaskGroup(of: [Outcome].self) { group in
            for writer in ["p", "q"] {
                group.addTask {
                    var failures: [Outcome] = []
                    for index in 0..<500 {
                        let outcome = try await work.run(
                            [
                                "request", "add", "\(writer)\(index)", "--trigger", "1", "--email",
                                "\(writer)\(index)@x.io",
                            ])
                        if outcome.status != 0 { failures.append(outcome) }
                    }
                    return failures
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(failures.isEmpty, "\(failures.first.map(String.init(describing:)) ?? "")")
        let info = try #require(try await work.salvo("store", "info", "--json").stdout.json() as? [String: Any])
        #expect(info["requests"] as? Int == 1000)
        #expect(info["audit_events"] as? Int == 1000)
        #expect(try await work.salvo("store", "check").status == 0)
    }

    @Test("a command that wrote empties the WAL as it closes: the next process has no old frames to read")
    func walEmptied() async throws {
        let work = try Workspace()
        for index in 0..<12 {
            let added = try await work.run([
                "request", "add", "r\(index)", "--trigger", "1", "--email", "r\(index)@x.io",
            ])
            #expect(added.status == 0, "\(added)")
        }
        // Each process rebuilds its index of the WAL by reading every valid frame in it: a WAL never started over
        // grew with every command (18 MB after 500 `request add`) and was read whole by each. sqlite3 opening the
        // store now finds the one frame left so that GRDB opens it without writing (the checkpoint's second
        // figure: the frames in the WAL).
        let output = work.folder + "/checkpoint.txt"
        let status = await try Child(
            "/usr/bin/sqlite3", [work.store, "PRAGMA wal_checkpoint(PASSIVE)"], environment: [:], stdout: output
        ).exit()
        let frames = try String(contentsOfFile: output, encoding: .utf8)
        #expect(status == 0 && frames.split(separator: "|").dropFirst().first == "1", "\(frames)")
        let listed = try await work.salvo("request", "list")
        #expect(listed.status == 0 && listed.stdout.contains("r11"), "\(listed)")
        #expect(try await work.salvo("store", "check").status == 0)
    }
}
