import Foundation
import SalvoCore
import SalvoStorage
import Testing

@Suite("The audit trail: every change, chained, append-only, tokens redacted", .timeLimit(.minutes(5)))
struct AuditTrailTests {
    @Test("each change is recorded with who, when, before and after, and the chain recomputes", arguments: Backend.all)
    func recorded(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            let (first, second): (TokenSource, TokenSource) =
                backend.holdsTokens ? (.stored("tok-A"), .stored("tok-B")) : (.variable("TOK_A"), .variable("TOK_B"))
            try await store.addEnvironment(.sample("prod", token: first))
            try await store.updateEnvironment(named: "prod") { $0.token = second }
            try await store.addRequest(.sample("welcome"))
            try await store.renameRequest("welcome", to: "hello")
            try await store.removeRequest(named: "hello")
            let events = try await store.auditEvents(since: nil, user: nil)
            #expect(
                events.map { "\($0.action.rawValue) \($0.entity.rawValue) \($0.name)" } == [
                    "create environment prod", "use environment prod", "edit environment prod",
                    "create request welcome",
                    "rename request hello", "delete request hello",
                ])
            #expect(events.allSatisfy { $0.by == StoreUnderTest.author && $0.at == "2027-01-15T08:00:00.000Z" })
            let edit = events[2]
            #expect(edit.before?["token"] == .string(store.fingerprinter.describe(first)))
            #expect(edit.after?["token"] == .string(store.fingerprinter.describe(second)))
            var previous = AuditEvent.genesisHash
            for event in events {
                #expect(event.previousHash == previous)
                let hash = AuditEvent.chainHash(
                    previous: previous, at: event.at, by: event.by, action: event.action, entity: event.entity,
                    name: event.name, before: event.before, after: event.after)
                #expect(event.hash == hash)
                previous = hash
            }
            let text = events.map { ($0.before?.compact ?? "") + ($0.after?.compact ?? "") }.joined()
            #expect(!text.contains("tok-A") && !text.contains("tok-B"))
        }
    }

    @Test("filters: since and user", arguments: Backend.all)
    func filters(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            try await store.addRequest(.sample("welcome"))
            #expect(try await store.auditEvents(since: "2027-01-15T08:00:00.000Z", user: nil).count == 1)
            #expect(try await store.auditEvents(since: "2027-01-15T08:00:00.001Z", user: nil).isEmpty)
            #expect(try await store.auditEvents(since: nil, user: "tester").count == 1)
            #expect(try await store.auditEvents(since: nil, user: "someone-else").isEmpty)
        }
    }

    @Test("UPDATE and DELETE on audit events are refused by the schema", arguments: Backend.all)
    func appendOnly(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            try await store.addRequest(.sample("welcome"))
            await #expect(throws: (any Error).self) { try await under.execute("UPDATE audit_events SET name = 'x'") }
            await #expect(throws: (any Error).self) { try await under.execute("DELETE FROM audit_events") }
            #expect(try await store.auditEvents(since: nil, user: nil).map(\.name) == ["welcome"])
        }
    }

    @Test(
        "verify and check report a schema that differs from the migrations': a dropped trigger", arguments: Backend.all)
    func schema(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            #expect(try await store.verify().problems.isEmpty)
            #expect(try await store.check().isEmpty)
            try await under.execute(backend.dropTrigger("ledger_no_update", "ledger"))
            #expect(try await store.verify().problems == ["schema: trigger ledger_no_update is missing"])
            #expect(try await store.check() == ["schema: trigger ledger_no_update is missing"])
        }
    }

    @Test("the stored hashes at a chain position: the heads verify reports, nil past the end", arguments: Backend.all)
    func chainHashes(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            let launches = try await Launches.start(store)
            let ids = try await store.record(outcomes: [], attempts: [launches.attempt("a@x.io", ordinal: 1)])
            _ = try await store.record(outcomes: [(ids[0], .ok)], attempts: [])
            let report = try await store.verify()
            let heads = try await store.chainHashes(ledgerEntry: report.ledgerEntries, auditEvent: report.auditEvents)
            #expect(heads.ledger == report.ledgerHead && heads.audit == report.auditHead)
            let start = try await store.chainHashes(ledgerEntry: 0, auditEvent: 0)
            #expect(start.ledger == HashChain.genesis && start.audit == HashChain.genesis)
            let past = try await store.chainHashes(ledgerEntry: 99, auditEvent: 99)
            #expect(past.ledger == nil && past.audit == nil)
        }
    }
}
