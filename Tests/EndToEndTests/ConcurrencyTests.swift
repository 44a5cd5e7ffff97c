import Foundation
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
}
