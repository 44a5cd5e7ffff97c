import Foundation
import SalvoCore
import SalvoHTTP
import SalvoRunner
import SalvoSandbox
import SalvoStorage
import Testing

/// The run engine over an in-memory ledger and the real sandbox: retries, the guard inside a run, bail. No
/// timing is asserted; the sandbox's log is the judge of what was delivered.
@Suite("Run engine: retries, the guard, bail (in-memory ledger)")
struct EngineTests {
    static let token = "t-engine-0123456789"

    /// Launches `emails` through a fresh engine against a sandbox configured by `change`.
    static func run(
        _ emails: [String], settings: RunSettings, guarded: Bool = false,
        sandbox change: (inout SandboxConfiguration) -> Void = { _ in }
    ) async throws -> (ledger: MemoryLedger, sandbox: [SandboxRecord], stop: RunStop) {
        var configuration = SandboxConfiguration(tokens: [token])
        configuration.port = 0
        configuration.seed = 7
        change(&configuration)
        let sandbox = try await SandboxServer.start(configuration)
        let environment = Environment(
            name: "sb", baseURL: sandbox.url, token: .stored(token), guardSeconds: guarded ? 3_600 : 0, uid: "e1")
        let ledger = MemoryLedger()
        let clients = AltcraftClients()
        let engine = RunEngine(clients: clients, ledger: ledger, settings: settings, observer: Ignored())
        var left = emails[...]
        let stop = try await engine.run {
            guard let email = left.popFirst() else { return nil }
            let body: JSONValue = ["id": 1, "matching": "email", "email": .string(email)]
            let plan = LaunchPlan.make(
                request: LaunchRequest(name: "t", kind: .trigger, method: LaunchRequest.triggerMethod, body: body),
                body: body, environment: environment, token: token,
                fingerprinter: TokenFingerprinter(key: Data(repeating: 1, count: 32)), runID: 1,
                requestID: UUID().uuidString, by: Operator(user: "test", host: "test"))
            return RunLaunch(
                plan: plan, resumed: false,
                duplicateGuard: guarded ? DuplicateGuard(since: "2000-01-01T00:00:00.000Z", rule: .content) : nil,
                environment: environment)
        }
        await clients.shutdown()
        let records = await sandbox.records()
        await sandbox.stop()
        return (ledger, records, stop)
    }

    static func settings(concurrency: Int = 4, retries: Int = 0, bail: Bool = false) -> RunSettings {
        RunSettings(
            concurrency: concurrency, rate: nil, delay: nil, timeout: .seconds(10),
            retry: RetryPolicy(retries: retries, base: .milliseconds(1), cap: .milliseconds(5)), bail: bail)
    }

    struct Ignored: RunObserver {
        func finished(_ launch: FinishedLaunch) async {}
    }

    @Test("every 5xx is retried with the same Request-ID until it is answered; each is delivered once")
    func retries() async throws {
        let emails = (1...30).map { "r\($0)@x.io" }
        let (ledger, records, stop) = try await Self.run(emails, settings: Self.settings(retries: 20)) {
            $0.failRate = 0.5
        }
        #expect(stop == .completed)
        let delivered = records.filter { $0.delivered && !$0.duplicate }
        #expect(Set(delivered.compactMap(\.recipient)).count == 30)
        #expect(delivered.count == 30, "each recipient delivered once")
        // Every try of a launch carried its first try's Request-ID, and the ledger has one attempt per try.
        let byRequest = Dictionary(grouping: ledger.all, by: \.attempt.requestID)
        #expect(byRequest.count == 30)
        #expect(ledger.all.count == records.count, "one ledger attempt per request the sandbox received")
        for (requestID, tries) in byRequest {
            #expect(tries.map(\.attempt.tryNumber) == Array(1...tries.count), "\(requestID)")
            #expect(tries.last?.outcome?.result == .ok)
            #expect(tries.dropLast().allSatisfy { $0.outcome?.httpStatus.map { $0 >= 500 } == true })
        }
        #expect(records.filter { $0.misbehaviour == "failed" }.count > 0, "the sandbox did fail some")
    }

    @Test("identical launches in one run: the first is sent, the rest skipped, at any concurrency")
    func guardInsideRun() async throws {
        let emails = Array(repeating: "same@x.io", count: 12) + ["other@x.io"]
        let (ledger, records, stop) = try await Self.run(emails, settings: Self.settings(concurrency: 8), guarded: true)
        #expect(stop == .completed)
        #expect(records.count == 2, "one launch to each recipient reached the platform")
        let results = ledger.all.compactMap(\.outcome?.result)
        #expect(results.filter { $0 == .ok }.count == 2)
        #expect(results.filter { $0 == .skipped }.count == 11)
        #expect(ledger.all.allSatisfy { $0.outcome != nil }, "every attempt has an outcome")
    }

    @Test("--bail stops dispatching at the first launch that is not ok")
    func bail() async throws {
        let emails = (1...20).map { "b\($0)@x.io" }
        let (ledger, records, stop) = try await Self.run(emails, settings: Self.settings(concurrency: 1, bail: true)) {
            $0.failRate = 1
        }
        #expect(stop == .bailed)
        #expect(records.count == 1 && ledger.all.count == 1)
        #expect(ledger.all[0].outcome?.result == .rejected)
    }
}
