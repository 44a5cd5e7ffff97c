import Foundation
import SalvoCore
import SalvoHTTP
import SalvoRunner
import SalvoSQLite
import SalvoSandbox
import SalvoStorage
import Synchronization
import Testing

/// The run engine's duplicate guard against a real store and the real sandbox.
@Suite("Run engine: the duplicate guard")
struct RunEngineGuardTests {
    /// The store's ledger, with its guard lookup failing on demand (a store error mid-run).
    final class FailingLookup: LaunchLedger {
        let store: SQLiteStore
        init(_ store: SQLiteStore) { self.store = store }

        func record(
            outcomes: [(attempt: Int64, outcome: LaunchOutcome)], attempts: [LaunchAttempt],
            guards: [DuplicateGuard?]
        ) async throws -> [LedgerWrite] {
            try await store.record(outcomes: outcomes, attempts: attempts, guards: guards)
        }

        func recordSkipped(_ attempt: LaunchAttempt, outcome: LaunchOutcome) async throws -> Int64 {
            try await store.recordSkipped(attempt, outcome: outcome)
        }

        func lastSuccess(like attempt: LaunchAttempt, guard check: DuplicateGuard) throws -> GuardHit? {
            throw StoreError.failed(path: store.path, detail: "disk I/O error")
        }
    }

    actor Finished: RunObserver {
        var launches: [FinishedLaunch] = []
        func finished(_ launch: FinishedLaunch) async { launches.append(launch) }
    }

    @Test("a guard lookup that fails stops the run: nothing is sent unguarded, nothing recorded")
    func failingLookup() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("salvo-engine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore.open(at: folder.path + "/salvo.db", author: Operator(user: "test", host: "test"))
        defer { store.close() }
        let sandbox = try await SandboxServer.start(
            {
                var configuration = SandboxConfiguration(tokens: ["t-0123456789"]); configuration.port = 0;
                return configuration
            }())
        let environment = Environment(name: "sb", baseURL: sandbox.url, token: .stored("t-0123456789"))
        _ = try store.addEnvironment(environment)
        let saved = try store.environment(named: "sb")
        let body: JSONValue = .object([
            .init("id", .integer(1)), .init("matching", .string("email")), .init("email", .string("a@x.io")),
        ])
        let request = LaunchRequest(name: "t", kind: .trigger, method: LaunchRequest.triggerMethod, body: body)
        let run = try store.startRun(RunStart(kind: .run, environment: "sb", record: RunRecord()))
        var left = 3
        let clients = AltcraftClients()
        let observer = Finished()
        let engine = RunEngine(
            clients: clients, ledger: FailingLookup(store),
            settings: RunSettings(
                concurrency: 2, rate: nil, delay: nil, timeout: .seconds(5), retry: RetryPolicy(retries: 0),
                bail: false),
            observer: observer)
        let stop = try await engine.run {
            guard left > 0 else { return nil }
            left -= 1
            let plan = LaunchPlan.make(
                request: request, body: body, environment: saved, token: "t-0123456789",
                fingerprinter: store.fingerprinter, runID: run, requestID: UUID().uuidString,
                by: Operator(user: "test", host: "test"))
            return RunLaunch(
                plan: plan, resumed: false, duplicateGuard: DuplicateGuard.of(saved, force: false),
                environment: saved)
        }
        await clients.shutdown()
        guard case .ledgerFailed(let failure) = stop else {
            Issue.record("the run should stop on the failed lookup, not \(stop)")
            return
        }
        #expect(failure.message.contains("the duplicate guard could not read the ledger"), "\(failure)")
        #expect(failure.storeError == StoreError.failed(path: store.path, detail: "disk I/O error"))
        #expect(await sandbox.records().isEmpty, "nothing sent unguarded")
        #expect(await observer.launches.isEmpty)
        #expect(try store.history(HistoryFilter(limit: 10)).isEmpty)
        await sandbox.stop()
    }
}
