import Foundation
import SalvoCore
import SalvoRunner
import SalvoStorage
import Testing

@Suite("Conformance: import and store copy", .timeLimit(.minutes(5)))
struct TransferConformance {
    /// A Postman environment holding a token's value, and a salvo bundle naming `prod` and a new environment.
    static let postmanEnvironment = """
        {"name": "prod", "values": [{"key": "base_url", "value": "https://new.example.com"},
            {"key": "token", "value": "file-secret-token", "type": "secret"}]}
        """
    static let bundle = """
        {"salvo": "bundle", "version": 1, "default_environment": "stage",
         "environments": [{"name": "stage", "base_url": "https://stage.example.com", "token_env": "STAGE_TOKEN"}],
         "requests": [
            {"name": "welcome", "kind": "trigger", "body": {"id": 2, "matching": "email", "email": "{{email}}"}},
            {"name": "fresh", "kind": "trigger", "folder": "new",
             "body": {"id": 3, "matching": "email", "email": "{{email}}"}}]}
        """

    @Test(
        "import: conflicts, the default and a file's token are handled the same on every backend",
        arguments: Backend.all)
    func importing(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            try await store.addEnvironment(.sample("prod"))
            try await store.addRequest(.sample("welcome"))
            let bundle = try ImportBundle.read(Self.bundle)
            let before = try await store.auditEvents(since: nil, user: nil).count

            await #expect(throws: InputError.self) {
                try await store.importBundle(bundle, onConflict: .fail, dryRun: false)
            }
            let dry = try await store.importBundle(bundle, onConflict: .rename, dryRun: true)
            #expect(dry.map(\.name) == ["stage", "welcome-2", "fresh"])
            #expect(try await store.auditEvents(since: nil, user: nil).count == before, "a dry run writes nothing")
            #expect(try await store.requests().map(\.name) == ["welcome"])

            let entries = try await store.importBundle(bundle, onConflict: .rename, dryRun: false)
            #expect(entries.map(\.action) == [.added, .renamed, .added])
            #expect(entries[1].note?.contains("it goes to 'stage', the file's default environment") == true)
            #expect(try await store.request(named: "welcome-2").environment == "stage")
            #expect(try await store.request(named: "fresh").folder == "new")
            #expect(try await store.defaultEnvironmentName() == "prod", "the store's default kept")

            let replaced = try await store.importBundle(
                try ImportBundle.read(Self.postmanEnvironment), onConflict: .replace, dryRun: false)
            let prod = try await store.environment(named: "prod")
            #expect(prod.baseURL == "https://new.example.com")
            if backend.holdsTokens {
                #expect(prod.token == .stored("file-secret-token"))
                #expect(replaced[0].note == nil)
            } else {
                #expect(prod.token == .variable("PROD_TOKEN"), "the store's own variable")
                #expect(replaced[0].note?.contains("the file's token is not kept") == true, "\(replaced)")
            }
            #expect(try await AuditService(store: store).verify(witnesses: []).problems == [])
        }
    }

    @Test(
        "store copy: collection, runs, ledger and trail arrive with the same chains; tokens become variables where a store holds none",
        arguments: [(Backend.sqlite, Backend.postgres), (.postgres, .sqlite), (.sqlite, .sqlite)])
    func copy(_ from: Backend, _ to: Backend) async throws {
        try await from.withStore(clock: { Date() }) { source in
            let store = source.store
            let token: TokenSource = from.holdsTokens ? .stored("secret-token") : .variable("PROD_TOKEN")
            try await store.addEnvironment(.sample("prod", token: token))
            try await store.addEnvironment(.sample("stage"))
            try await store.useEnvironment(named: "stage")
            try await store.addRequest(.sample("welcome", folder: "a/b", tags: ["vip"], environment: "prod"))
            let launches = try await Launches.start(store)
            let ids = try await store.record(
                outcomes: [], attempts: (1...5).map { launches.attempt("p\($0)@x.io", ordinal: $0) })
            _ = try await store.record(outcomes: ids.map { (attempt: $0, outcome: LaunchOutcome.ok) }, attempts: [])
            try await store.finishRun(launches.run, state: .finished)
            let expected = try await AuditService(store: store).verify(witnesses: [])
            #expect(expected.problems == [] && expected.ledgerEntries == 10)

            try await to.withStore(clock: { Date() }) { target in
                try await target.store.addEnvironment(.sample("taken"))
                let copier = StoreCopy(from: store, tokenVariable: "SB_TOKEN", author: StoreUnderTest.author)
                await #expect(throws: InputError.self, "a target that holds anything is refused") {
                    _ = try await copier.copy { try await target.another(StoreUnderTest.author) }
                }
            }
            try await to.withStore(clock: { Date() }) { target in
                let copier = StoreCopy(from: store, tokenVariable: "SB_TOKEN", author: StoreUnderTest.author)
                let summary = try await copier.copy { try await target.another(StoreUnderTest.author) }
                #expect(summary.verified.problems == [])
                #expect(summary.verified.ledgerHead == expected.ledgerHead)
                #expect(
                    (summary.environments, summary.requests, summary.runs, summary.ledgerEntries)
                        == (2, 1, 1, 10))
                let copied = try await target.another(StoreUnderTest.author)
                defer { Task { await copied.close() } }
                let converts = from.holdsTokens && !to.holdsTokens
                #expect(summary.converted == (converts ? ["prod"] : []))
                #expect(summary.verified.auditEvents == expected.auditEvents + (converts ? 1 : 0))
                #expect(try await copied.environment(named: "prod").token == (converts ? .variable("SB_TOKEN") : token))
                #expect(
                    try await copied.environment(named: "prod").uid == (try await store.environment(named: "prod").uid))
                #expect(try await copied.request(named: "welcome") == (try await store.request(named: "welcome")))
                #expect(try await copied.defaultEnvironmentName() == "stage")
                #expect(copied.fingerprintKey == store.fingerprintKey, "fp: stays the same")
                #expect(try await copied.run(id: launches.run).counts == [.ok: 5])
                #expect(try await copied.history(HistoryFilter()).count == 5)
                // The next run is numbered after the copied ones.
                let next = try await copied.startRun(RunStart(kind: .send, environment: "stage", record: RunRecord()))
                #expect(next == launches.run + 1)
                #expect(try await AuditService(store: copied).verify(witnesses: []).problems == [])
            }
        }
    }

    @Test("store copy refuses a source that does not verify, before it opens the target", arguments: Backend.all)
    func tamperedSource(_ backend: Backend) async throws {
        try await backend.withStore { under in
            try await under.store.addEnvironment(.sample("prod"))
            try await under.execute("UPDATE environments SET base_url = 'https://evil.example.com'")
            var opened = false
            await #expect(throws: InputError.self) {
                _ = try await StoreCopy(from: under.store, tokenVariable: "T", author: StoreUnderTest.author).copy {
                    opened = true
                    return under.store
                }
            }
            #expect(!opened)
        }
    }
}
