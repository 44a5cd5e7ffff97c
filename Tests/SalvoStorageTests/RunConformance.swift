import Foundation
import SalvoCore
import SalvoStorage
import Testing

@Suite("Conformance: runs", .timeLimit(.minutes(5)))
struct RunConformance {
    @Test("a run keeps its record, its counts and its state through finish and reopen", arguments: Backend.all)
    func lifecycle(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            try await store.addEnvironment(.sample())
            var record = RunRecord()
            record.targets = [.init(request: "welcome", requestUID: "r1", environment: "prod", environmentUID: "e1")]
            record.variables = ["name": "Ann"]
            record.concurrency = 8
            record.rate = 2.5
            record.timeoutSeconds = 0.5
            record.planned = 3
            record.reports = ["junit=/tmp/out.xml"]
            let id = try await store.startRun(
                RunStart(kind: .run, environment: "prod", record: record, dataFile: "/data.csv", dataSHA256: "ab"))
            let lock = try await store.lockRun(id)
            var info = try await store.run(id: id)
            #expect(info.record == record, "the record reads back as written")
            #expect(info.kind == .run && info.dataFile == "/data.csv" && info.dataSHA256 == "ab")
            #expect(info.by == StoreUnderTest.author && info.startedAt == "2027-01-15T08:00:00.000Z")
            try await store.finishRun(id, state: .interrupted)
            #expect(try await store.run(id: id).state == .interrupted)
            try await store.reopenRun(id)
            try await store.finishRun(id, state: .finished)
            lock.release()
            info = try await store.run(id: id)
            #expect(info.state == .finished && info.finishedAt != nil)
            #expect(try await store.runs(limit: 5).map(\.id) == [id])
            // Each step entered the run's facts, as they were after it, into the audit trail.
            let events = try await store.auditEvents(since: nil, user: nil).filter { $0.entity == .run }
            #expect(
                events.map(\.action) == [.start, .finish, .reopen, .finish] && events.allSatisfy { $0.name == "#\(id)" }
            )
            #expect(events.first?.after?["data_sha256"] == "ab" && events.last?.after?["state"] == "finished")
            let facts = try await store.runFacts()
            #expect(facts.map(\.id) == [id] && facts.first?.document == events.last?.after)
            #expect(RunFacts.differences(facts, events: events).isEmpty)
            #expect(try await store.verify().problems.isEmpty)
            await #expect(throws: StoreError.notFound(kind: "run", name: "99")) { try await store.run(id: 99) }
        }
    }

    @Test(
        "where launches stand, for a resume: final, unfinished with their first try, retryable, never attempted",
        arguments: Backend.all)
    func launchStates(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            let launches = try await Launches.start(store, planned: 6)
            let attempts = (1...5).map { launches.attempt("p\($0)@x.io", ordinal: $0) }
            let ids = try await store.record(outcomes: [], attempts: attempts)
            let throttled = LaunchOutcome(result: .rejected, httpStatus: 429, durationMilliseconds: 1)
            _ = try await store.record(
                outcomes: [(ids[0], .ok), (ids[1], .unknown), (ids[3], throttled), (ids[4], .rejected)], attempts: [])
            // Position 3 has no outcome: its process died. A resume settles it as unknown.
            #expect(try await store.settleInterruptedAttempts(run: launches.run) == 1)
            #expect(try await store.settleInterruptedAttempts(run: launches.run) == 0)
            let states = try await store.launchStates(run: launches.run, ordinals: 1...6)
            guard case .final? = states[1], case .unfinished(let attempt, let first, let mayHaveLeft)? = states[2]
            else {
                Issue.record("position 1 should be final and 2 unfinished: \(states)")
                return
            }
            #expect(attempt.requestID == attempts[1].requestID && first == "2027-01-15T08:00:00.000Z" && mayHaveLeft)
            guard case .retryable(let again, _, false)? = states[4], case .final? = states[5] else {
                Issue.record("a 429 should be retryable and a 400 final: \(states)")
                return
            }
            #expect(again.requestID == attempts[3].requestID)
            #expect(states[6] == nil, "never attempted")
            let counts = try await store.run(id: launches.run).counts
            #expect(counts[.ok] == 1 && counts[.unknown] == 2 && counts[.rejected] == 2)
        }
    }
}
