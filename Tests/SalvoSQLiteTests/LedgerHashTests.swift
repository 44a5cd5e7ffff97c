import Foundation
import GRDB
import SalvoCore
import SalvoStorage
import Testing

@testable import SalvoSQLite

/// The ledger's hash is defined in Core over typed fields (`LedgerEntry`); entries written by earlier salvos,
/// hashed over SQLite's storage classes of every column, must still verify.
@Suite("Ledger hash: typed in Core, the same as v1's")
struct LedgerHashTests {
    /// v1's rule, kept here as the reference: every column but the hashes, nulls left out, integers as
    /// numbers, reals and text as strings.
    static func v1Hash(previous: String, row: Row) -> String {
        let fields = JSONValue.object(
            row.columnNames.filter { $0 != "prev_hash" && $0 != "hash" }.compactMap { name -> JSONValue.Member? in
                switch (row[name] as DatabaseValue).storage {
                case .null: nil
                case .int64(let number): .init(name, .number(String(number)))
                case .double(let number): .init(name, .string(String(number)))
                case .string(let text): .init(name, .string(text))
                case .blob(let data): .init(name, .string(data.base64EncodedString()))
                }
            })
        return HashChain.hash(previous: previous, fields: fields)
    }

    @Test("every entry's stored hash is v1's hash of its row, and a row written as v1 wrote it verifies")
    func sameAsV1() async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        try store.addEnvironment(.sample())
        let environment = try store.environment(named: "prod")
        let run = try store.startRun(RunStart(kind: .send, environment: "prod", record: RunRecord()))
        let body: JSONValue = [
            "id": 1, "matching": "phone", "phone": "+79000000000\u{0}", "crm": "007",
            "note": "quote \" backslash \\ line\u{2028}tab\t\u{1} é 🙂 \u{7F}",
        ]
        var plan = LaunchPlan.make(
            request: LaunchRequest(name: "w", kind: .trigger, method: LaunchRequest.triggerMethod, body: body),
            body: body, environment: environment, token: "secret-token", fingerprinter: store.fingerprinter,
            runID: run, requestID: "r-1", dataRow: 3, by: StoreFixture.author)
        plan.attempt.ordinal = 1
        let ids = try await store.record(outcomes: [], attempts: [plan.attempt])
        let outcome = LaunchOutcome(
            result: .ok, httpStatus: 200, headers: [.init(name: "X", value: "a\u{0}b")], body: "{}",
            durationMilliseconds: 0.1 + 0.2, errorCode: 0, errorText: "ok", duplicate: true)
        _ = try await store.record(outcomes: [(ids[0], outcome)], attempts: [])
        // An attempt as salvo wrote it before content keys and identities existed (no such columns set).
        try await store.pool.write { db in
            let row = try StoreFixture.appendLegacyAttempt(db, run: run, hash: "")
            try db.execute(sql: "DROP TRIGGER IF EXISTS ledger_no_update")
            try db.execute(
                sql: "UPDATE ledger SET hash = ? WHERE seq = ?",
                arguments: [Self.v1Hash(previous: row["prev_hash"], row: row), row["seq"] as Int64])
        }
        let rows = try store.pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM ledger ORDER BY seq") }
        var previous = HashChain.genesis
        for row in rows {
            #expect(row["hash"] as String == Self.v1Hash(previous: previous, row: row), "entry #\(row["seq"] as Int64)")
            let typed = try StoredRecords.ledgerEntry(from: StoredRow(row: row))
            #expect(typed.hash(previous: previous) == row["hash"] as String, "typed hash of #\(row["seq"] as Int64)")
            previous = row["hash"]
        }
        let report = try store.verify()
        // The trigger dropped to write the old row is the one thing verify finds.
        #expect(report.problems == ["schema: trigger ledger_no_update is missing"], "\(report.problems)")
        #expect(report.ledgerEntries == 3)
    }
}

extension LedgerHashTests {
    @Test(
        "a ledger row given a NULL or a value of another kind is reported as changed, never a crash",
        arguments: ["base_url", "recipient_kind", "token_fingerprint", "os_user", "run_id", "try", "result", "hash"])
    func tamperedColumn(_ column: String) async throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        try store.addEnvironment(.sample())
        let environment = try store.environment(named: "prod")
        let run = try store.startRun(RunStart(kind: .send, environment: "prod", record: RunRecord()))
        let body: JSONValue = ["id": 1, "matching": "email", "email": "a@x.io"]
        let plan = LaunchPlan.make(
            request: LaunchRequest(name: "w", kind: .trigger, method: LaunchRequest.triggerMethod, body: body),
            body: body, environment: environment, token: "secret-token", fingerprinter: store.fingerprinter,
            runID: run, requestID: "r-1", by: StoreFixture.author)
        let ids = try await store.record(outcomes: [], attempts: [plan.attempt])
        _ = try await store.record(outcomes: [(ids[0], .init(result: .ok, httpStatus: 200))], attempts: [])
        for value in ["NULL", "'text'", "x'00'"] {
            do {
                try await store.pool.write { db in
                    try db.execute(sql: "PRAGMA ignore_check_constraints = 1")
                    try db.execute(sql: "DROP TRIGGER IF EXISTS ledger_no_update")
                    try db.execute(sql: "UPDATE ledger SET \(column) = \(value)")
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                continue  // a NOT NULL column: the schema refuses the edit itself
            }
            // Beside the dropped trigger, the row: once, by name.
            let problems = try store.verify().problems.filter { !$0.hasPrefix("schema:") }
            #expect(problems.count == 1, "\(column) = \(value): \(problems)")
            #expect(problems.first?.contains("was changed after it was written") == true, "\(column) = \(value)")
        }
    }
}
