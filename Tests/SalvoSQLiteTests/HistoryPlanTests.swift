import Foundation
import GRDB
import SalvoCore
import SalvoStorage
import Testing

@testable import SalvoSQLite

/// `history`'s filters read the ledger through its indexes: on a ledger of millions of entries a full scan takes
/// seconds where an index takes milliseconds. SQLite's own plan says which it will do.
@Suite("History reads the ledger through indexes (EXPLAIN QUERY PLAN)")
struct HistoryPlanTests {
    @Test("request, environment, recipient, run and --follow's position never scan the whole ledger")
    func plans() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        let run = try await Self.ledger(store)
        let filters: [(String, HistoryFilter)] = [
            ("request", HistoryFilter(request: "w")),
            ("request not in the collection", HistoryFilter(request: "gone")),
            ("environment", HistoryFilter(environment: "prod")),
            ("request and environment", HistoryFilter(request: "w", environment: "prod")),
            ("recipient", HistoryFilter(recipient: "a@x.io")),
            ("run", HistoryFilter(runID: run)),
            ("request and status", HistoryFilter(request: "w", result: .ok)),
            (
                "after",
                {
                    var filter = HistoryFilter(); filter.after = 1; return filter
                }()
            ),
        ]
        for (name, filter) in filters {
            let plan = try await store.pool.read { db in
                let request = SQLiteStore.historyRequest(
                    try filter.alternatives(db), newestFirst: filter.after == nil, limit: filter.limit)
                let statement = try request.makePreparedRequest(db).statement
                return try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments
                ).map { $0["detail"] as String }
            }
            #expect(!plan.contains { $0.hasPrefix("SCAN a") }, "\(name): \(plan)")
            #expect(plan.contains { $0.hasPrefix("SEARCH a USING") }, "\(name): \(plan)")
        }
    }

    @Test("a request's launches under its identity and before identities existed come back merged, newest first")
    func merged() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        _ = try await Self.ledger(store)
        let lines = try store.history(HistoryFilter(request: "w"))
        #expect(lines.map(\.requestID) == ["r-3", "old-1", "r-1"], "\(lines.map(\.requestID))")
        #expect(try store.history(HistoryFilter(request: "w", limit: 2)).map(\.requestID) == ["r-3", "old-1"])
        #expect(try store.history(HistoryFilter(request: "w", recipient: "b@x.io")).map(\.requestID) == ["r-3"])
        var after = HistoryFilter(request: "w")
        after.after = 0
        #expect(try store.history(after).map(\.requestID) == ["r-1", "old-1", "r-3"], "oldest first after a position")
    }

    /// A ledger with launches of request `w` (recorded with its identity, one before identities existed) and of
    /// another request; returns the run.
    static func ledger(_ store: SQLiteStore) async throws -> Int64 {
        try store.addEnvironment(.sample())
        try store.addRequest(.sample("w"))
        try store.addRequest(.sample("other"))
        let environment = try store.environment(named: "prod")
        let run = try store.startRun(RunStart(kind: .run, environment: "prod", record: RunRecord()))
        func attempt(_ request: String, _ email: String, _ requestID: String) throws -> LaunchAttempt {
            let saved = try store.request(named: request)
            let body: JSONValue = ["id": 1, "matching": "email", "email": .string(email)]
            return LaunchPlan.make(
                request: saved, body: body, environment: environment, token: "secret-token",
                fingerprinter: store.fingerprinter, runID: run, requestID: requestID, by: StoreFixture.author
            ).attempt
        }
        let first = try await store.record(outcomes: [], attempts: [attempt("w", "a@x.io", "r-1")])
        _ = try await store.record(outcomes: [(first[0], LaunchOutcome(result: .ok))], attempts: [])
        // An attempt as salvo wrote it before identities existed: no request or environment uid.
        try await store.pool.write { db in try StoreFixture.appendLegacyAttempt(db, run: run, hash: "old-hash") }
        _ = try await store.record(outcomes: [], attempts: [attempt("other", "a@x.io", "r-2")])
        _ = try await store.record(outcomes: [], attempts: [attempt("w", "b@x.io", "r-3")])
        return run
    }
}
