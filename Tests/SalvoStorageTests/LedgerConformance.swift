import Foundation
import SalvoCore
import SalvoStorage
import Testing

/// Launch attempts as the engine makes them, for the ledger's tests.
struct Launches {
    let store: any Storage
    let environment: Environment
    let run: Int64

    /// A run of `kind` started on `store` to `environment`.
    static func start(_ store: any Storage, environment name: String = "prod", planned: Int? = nil) async throws
        -> Launches
    {
        if (try? await store.environment(named: name)) == nil { try await store.addEnvironment(.sample(name)) }
        let environment = try await store.environment(named: name)
        var record = RunRecord()
        record.planned = planned
        let run = try await store.startRun(RunStart(kind: .run, environment: name, record: record))
        return Launches(store: store, environment: environment, run: run)
    }

    /// The attempt of a launch to `email` at position `ordinal`.
    func attempt(_ email: String, ordinal: Int, requestID: String = UUID().uuidString) -> LaunchAttempt {
        let body: JSONValue = ["id": 1, "matching": "email", "email": .string(email)]
        var plan = LaunchPlan.make(
            request: LaunchRequest(name: "welcome", kind: .trigger, method: LaunchRequest.triggerMethod, body: body),
            body: body, environment: environment, token: "secret-token", fingerprinter: store.fingerprinter,
            runID: run, requestID: requestID, by: StoreUnderTest.author)
        plan.attempt.ordinal = ordinal
        plan.attempt.iteration = 1
        return plan.attempt
    }
}

extension LaunchOutcome {
    static let ok = LaunchOutcome(
        result: .ok, httpStatus: 200, headers: [.init(name: "Content-Type", value: "application/json")],
        body: #"{"error":0,"error_text":"Successful operation"}"#, durationMilliseconds: 12.5, errorCode: 0,
        errorText: "Successful operation")
    static let rejected = LaunchOutcome(
        result: .rejected, httpStatus: 400, body: #"{"error":400,"error_text":"Incorrect request"}"#,
        durationMilliseconds: 3, errorCode: 400, errorText: "Incorrect request")
    static let unknown = LaunchOutcome(result: .unknown, transportError: "timed out after 30 s")
}

@Suite("Conformance: the ledger", .timeLimit(.minutes(5)))
struct LedgerConformance {
    @Test(
        "attempts and outcomes are recorded as given, chained, and read back by history, show and exports",
        arguments: Backend.all)
    func roundTrip(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            let launches = try await Launches.start(store)
            let first = launches.attempt("a@x.io", ordinal: 1)
            let second = launches.attempt("+79000000000 \u{0}007", ordinal: 2)
            let ids = try await store.record(outcomes: [], attempts: [first, second])
            #expect(ids.count == 2 && ids[1] == ids[0] + 1)
            _ = try await store.record(outcomes: [(ids[0], .ok), (ids[1], .rejected)], attempts: [])
            let lines = try await store.history(HistoryFilter(runID: launches.run))
            #expect(lines.map(\.id) == [ids[1], ids[0]], "newest first")
            #expect(lines.map(\.result) == [.rejected, .ok])
            #expect(lines[1].identity.recipient == "a@x.io" && lines[1].outcome?.httpStatus == 200)
            let detail = try await store.launch(id: ids[0] + 2)
            #expect(detail.line.id == ids[0])
            #expect(detail.attempts.count == 1)
            #expect(detail.attempts[0].attempt.body == first.body, "the body exactly as sent")
            #expect(detail.attempts[0].attempt.headers == first.headers)
            #expect(detail.attempts[0].outcome?.outcome == .ok)
            var exported: [RecordedAttempt] = []
            try await store.forEachAttempt(HistoryFilter(limit: .max)) { exported.append($0) }
            #expect(exported.map(\.id) == ids)
            // A NUL from outside is stored (and hashed) as U+FFFD, the rest byte for byte.
            #expect(exported[1].attempt.body == second.body.replacing("\u{0}", with: "\u{FFFD}"))
            #expect(exported[1].outcome?.outcome == .rejected)
            var positions: [Int?] = []
            try await store.forEachLaunch(ofRun: launches.run) { positions.append($0.latest.attempt.ordinal) }
            #expect(positions == [1, 2])
            let names = try await store.namesInLedger()
            #expect(names.environments == ["prod"] && names.requests == ["welcome"])
            let report = try await store.verify()
            #expect(report.problems.isEmpty)
            #expect(report.ledgerEntries == 4)
            #expect(report.ledgerHead != HashChain.genesis)
            await #expect(throws: StoreError.notFound(kind: "ledger entry", name: "#99")) {
                try await store.launch(id: 99)
            }
        }
    }

    @Test(
        "the guard finds identical launches that succeeded in the window or may have been delivered",
        arguments: Backend.all)
    func guardLookup(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            let launches = try await Launches.start(store)
            let window = DuplicateGuard(since: "2027-01-15T07:00:00.000Z", rule: .content)
            let ok = launches.attempt("ok@x.io", ordinal: 1)
            let rejected = launches.attempt("rejected@x.io", ordinal: 2)
            let inFlight = launches.attempt("flight@x.io", ordinal: 3)
            let ids = try await store.record(outcomes: [], attempts: [ok, rejected, inFlight])
            _ = try await store.record(outcomes: [(ids[0], .ok), (ids[1], .rejected)], attempts: [])
            let again = launches.attempt("ok@x.io", ordinal: 4)
            #expect(
                try await store.lastSuccess(like: again, guard: window) == GuardHit(ledgerID: ids[0], rule: .content))
            #expect(
                try await store.lastSuccess(like: launches.attempt("rejected@x.io", ordinal: 5), guard: window) == nil)
            #expect(
                try await store.lastSuccess(like: launches.attempt("flight@x.io", ordinal: 6), guard: window)
                    == GuardHit(ledgerID: ids[2], rule: .content, pending: true))
            let later = DuplicateGuard(since: "2027-01-15T09:00:00.000Z", rule: .content)
            #expect(try await store.lastSuccess(like: again, guard: later) == nil, "outside the window")
            var otherContent = launches.attempt("ok@x.io", ordinal: 7)
            otherContent.body = otherContent.body.replacing("\"id\":1", with: "\"id\":1,\"content\":{}")
            #expect(try await store.lastSuccess(like: otherContent, guard: window) == nil)
            #expect(
                try await store.lastSuccess(
                    like: otherContent, guard: DuplicateGuard(since: window.since, rule: .recipient))
                    == GuardHit(ledgerID: ids[0], rule: .recipient))
            let skipped = try await store.recordSkipped(
                again, outcome: LaunchOutcome(result: .skipped, transportError: "identical"))
            #expect(try await store.launch(id: skipped).line.result == .skipped)
        }
    }

    @Test("ledger entries cannot be changed or deleted", arguments: Backend.all)
    func appendOnly(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            let launches = try await Launches.start(store)
            _ = try await store.record(outcomes: [], attempts: [launches.attempt("a@x.io", ordinal: 1)])
            await #expect(throws: (any Error).self) {
                try await under.execute("UPDATE ledger SET recipient = 'b@x.io'")
            }
            await #expect(throws: (any Error).self) { try await under.execute("DELETE FROM ledger") }
            #expect(try await store.history(HistoryFilter()).map(\.identity.recipient) == ["a@x.io"])
            #expect(try await store.verify().problems.isEmpty)
        }
    }

    @Test("two writers on one store append to one unbroken chain", arguments: Backend.all)
    func concurrentWriters(_ backend: Backend) async throws {
        try await backend.withStore { under in
            try await under.store.addEnvironment(.sample())
            let other = try await under.another(Operator(user: "other", host: "other-host"))
            let stores = [under.store, other]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        let launches = try await Launches.start(store)
                        for batch in 0..<20 {
                            let attempts = (0..<5).map {
                                launches.attempt("w\(index)-\(batch)-\($0)@x.io", ordinal: batch * 5 + $0 + 1)
                            }
                            let ids = try await store.record(outcomes: [], attempts: attempts)
                            _ = try await store.record(outcomes: ids.map { ($0, .ok) }, attempts: [])
                        }
                    }
                }
                try await group.waitForAll()
            }
            await other.close()
            let report = try await under.store.verify()
            #expect(report.problems.isEmpty)
            #expect(report.ledgerEntries == 2 * 20 * 5 * 2)
            #expect(try await under.store.history(HistoryFilter(limit: .max)).count == 200)
        }
    }

    @Test(
        "the guard checked again where attempts are recorded: of identical launches from two writers at once, one is sent",
        arguments: Backend.all)
    func guardAtRecord(_ backend: Backend) async throws {
        try await backend.withStore { under in
            try await under.store.addEnvironment(.sample())
            let other = try await under.another(Operator(user: "other", host: "other-host"))
            let window = DuplicateGuard(since: "2027-01-15T07:00:00.000Z", rule: .content)
            let recipients = (0..<10).map { "r\($0)@x.io" }
            // Each writer looked the recipients up (nothing found) and now records them, at the same time.
            let writes = try await withThrowingTaskGroup(of: [(String, LedgerWrite)].self) { group in
                for store in [under.store, other] {
                    group.addTask {
                        let launches = try await Launches.start(store)
                        var writes: [(String, LedgerWrite)] = []
                        for (index, recipient) in recipients.enumerated() {
                            let write = try await store.record(
                                outcomes: [], attempts: [launches.attempt(recipient, ordinal: index + 1)],
                                guards: [window])
                            writes.append((recipient, write[0]))
                        }
                        return writes
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            await other.close()
            for recipient in recipients {
                let mine = writes.filter { $0.0 == recipient }.map(\.1)
                #expect(mine.count == 2 && mine.filter { $0.skippedFor == nil }.count == 1, "\(recipient): \(mine)")
                // The one skipped names the other, whose outcome is not known yet (it is in flight).
                let sent = try #require(mine.first { $0.skippedFor == nil })
                #expect(
                    mine.first { $0.skippedFor != nil }?.skippedFor
                        == GuardHit(ledgerID: sent.id, rule: .content, pending: true))
            }
            let history = try await under.store.history(HistoryFilter(limit: .max))
            #expect(history.filter { $0.result == .skipped }.count == 10)
            #expect(try await under.store.verify().problems.isEmpty)
        }
    }
}
