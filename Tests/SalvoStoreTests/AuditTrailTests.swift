import Foundation
import GRDB
import SalvoCore
import Testing

@testable import SalvoStore

@Suite("The audit trail: every change, chained, append-only, tokens redacted")
struct AuditTrailTests {
    @Test("each change is recorded with who, when, before and after, and the chain recomputes")
    func recorded() throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        try store.addEnvironment(.sample("prod", token: "tok-A"))
        try store.updateEnvironment(named: "prod") { $0.token = .stored("tok-B") }
        try store.addRequest(.sample("welcome"))
        try store.renameRequest("welcome", to: "hello")
        try store.removeRequest(named: "hello")
        let events = try store.auditEvents()
        #expect(
            events.map { "\($0.action.rawValue) \($0.entity.rawValue) \($0.name)" } == [
                "create environment prod", "use environment prod", "edit environment prod", "create request welcome",
                "rename request hello", "delete request hello",
            ])
        #expect(events.allSatisfy { $0.by == StoreFixture.author && $0.at == "2027-01-15T08:00:00.000Z" })
        let edit = events[2]
        #expect(edit.before?["token"] == .string(store.fingerprinter.fingerprint("tok-A")))
        #expect(edit.after?["token"] == .string(store.fingerprinter.fingerprint("tok-B")))
        var previous = AuditEvent.genesisHash
        for event in events {
            #expect(event.previousHash == previous)
            let hash = AuditEvent.chainHash(
                previous: previous, at: event.at, by: event.by, action: event.action, entity: event.entity,
                name: event.name, before: event.before, after: event.after)
            #expect(event.hash == hash)
            previous = hash
        }
        let text = try store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT coalesce(before, '') || coalesce(after, '') FROM audit_events")
        }.joined()
        #expect(!text.contains("tok-A") && !text.contains("tok-B"))
    }

    @Test("filters: since and user")
    func filters() throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        try store.addRequest(.sample("welcome"))
        #expect(try store.auditEvents(since: "2027-01-15T08:00:00.000Z").count == 1)
        #expect(try store.auditEvents(since: "2027-01-15T08:00:00.001Z").isEmpty)
        #expect(try store.auditEvents(user: "tester").count == 1)
        #expect(try store.auditEvents(user: "someone-else").isEmpty)
    }

    @Test("UPDATE and DELETE on audit events are refused by the schema")
    func appendOnly() throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        try store.addRequest(.sample("welcome"))
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in try db.execute(sql: "UPDATE audit_events SET name = 'x'") }
        }
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in try db.execute(sql: "DELETE FROM audit_events") }
        }
        #expect(try store.auditEvents().map(\.name) == ["welcome"])
    }
}
