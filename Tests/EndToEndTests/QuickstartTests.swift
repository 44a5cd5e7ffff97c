import Foundation
import Testing

@Suite("salvo quickstart and salvo sandbox", .timeLimit(.minutes(5)))
struct QuickstartTests {
    @Test("quickstart sends the user guide's two launches against its own sandbox, and can run again")
    func quickstart() async throws {
        let work = try Workspace()
        let first = try await work.salvo("quickstart")
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("ok        HTTP 200  Successful operation"))
        #expect(first.stderr.contains("Next, try:"))
        let again = try await work.salvo("quickstart")
        #expect(again.status == 0, "\(again)")
        let history = try await work.history()
        #expect(history.count == 4)
        #expect(history.allSatisfy { $0["result"] as? String == "ok" })
        #expect(Set(history.compactMap { $0["recipient"] as? String }) == ["zaycev@example.com", "vk_id=123456"])
        let requests = try await work.salvo("request", "list", "--json")
        #expect((try requests.stdout.json() as? [Any])?.count == 2)
    }

    @Test("salvo sandbox listens, prints its URL, answers, and stops on SIGTERM")
    func sandboxCommand() async throws {
        let work = try Workspace()
        let (process, output) = try work.spawn(["sandbox", "--port", "0", "--token", "cli-token-12345"])
        var url = ""
        let started = await eventually {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            guard let match = text.firstMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)/) else { return false }
            url = String(match.1)
            return true
        }
        #expect(started)
        try await work.addEnvironment("cli", url: url, token: "cli-token-12345")
        try await work.addRequest("welcome", "--trigger", "1", "--email", "a@x.io")
        #expect(try await work.salvo("send", "welcome").status == 0)
        kill(process.processIdentifier, SIGTERM)
        await waitForExit(process)
        #expect(process.terminationStatus == 0)
        #expect(try String(contentsOfFile: output, encoding: .utf8).contains("sandbox stopped"))
    }
}
