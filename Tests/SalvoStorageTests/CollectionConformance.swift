import Foundation
import SalvoCore
import SalvoStorage
import Testing

@Suite("Environments and requests in the store", .timeLimit(.minutes(5)))
struct CollectionStoreTests {
    @Test("an environment round-trips; the first one becomes the default", arguments: Backend.all)
    func environments(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            #expect(try await store.addEnvironment(.sample("prod")) == true)
            #expect(try await store.addEnvironment(.sample("staging")) == false)
            let stored = try await store.environment(named: "prod")
            var expected = Environment.sample("prod")
            expected.uid = stored.uid
            #expect(stored == expected)
            #expect(stored.uid?.count == 32)
            #expect(try await store.environment(uid: try #require(stored.uid))?.name == "prod")
            try await store.renameEnvironment("prod", to: "production")
            #expect(try await store.environment(uid: try #require(stored.uid))?.name == "production", "identity kept")
            try await store.renameEnvironment("production", to: "prod")
            #expect(try await store.environments().map(\.name) == ["prod", "staging"])
            #expect(try await store.defaultEnvironmentName() == "prod")
            try await store.useEnvironment(named: "staging")
            #expect(try await store.defaultEnvironmentName() == "staging")
            await #expect(throws: StoreError.alreadyExists(kind: "environment", name: "prod")) {
                try await store.addEnvironment(.sample("prod"))
            }
            await #expect(throws: StoreError.notFound(kind: "environment", name: "nope")) {
                try await store.useEnvironment(named: "nope")
            }
        }
    }

    @Test("editing an environment validates inside the transaction and reports no-op edits", arguments: Backend.all)
    func editEnvironment(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            try await store.addEnvironment(.sample())
            let edited = try await store.updateEnvironment(named: "prod") { $0.auth = .bearer }
            #expect(edited?.auth == .bearer)
            #expect(try await store.updateEnvironment(named: "prod") { $0.auth = .bearer } == nil)
            await #expect(throws: InputError.self) {
                try await store.updateEnvironment(named: "prod") { $0.token = .stored("") }
            }
            #expect(try await store.environment(named: "prod").token == .variable("PROD_TOKEN"))
        }
    }

    @Test(
        "a token's value is kept where the backend may hold one, and refused by a shared store", arguments: Backend.all)
    func storedTokens(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            let stored = Environment.sample("prod", token: .stored("secret-token"))
            guard backend.holdsTokens else {
                await #expect(throws: InputError.self) { try await store.addEnvironment(stored) }
                try await store.addEnvironment(.sample())
                await #expect(throws: InputError.self) {
                    try await store.updateEnvironment(named: "prod") { $0.token = .stored("secret-token") }
                }
                #expect(try await store.auditEvents(since: nil, user: nil).count == 2, "create and use, nothing more")
                return
            }
            try await store.addEnvironment(stored)
            #expect(try await store.environment(named: "prod").token == .stored("secret-token"))
        }
    }

    @Test("renaming an environment carries its requests and the default along", arguments: Backend.all)
    func renameEnvironment(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            try await store.addEnvironment(.sample("prod"))
            try await store.addRequest(.sample("welcome", environment: "prod"))
            try await store.renameEnvironment("prod", to: "production")
            #expect(try await store.request(named: "welcome").environment == "production")
            #expect(try await store.defaultEnvironmentName() == "production")
        }
    }

    @Test(
        "removing an environment in use is refused unless forced, which clears the requests' default",
        arguments: Backend.all)
    func removeEnvironment(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            try await store.addEnvironment(.sample("prod"))
            try await store.addRequest(.sample("welcome", environment: "prod"))
            await #expect(throws: StoreError.inUse(environment: "prod", requests: ["welcome"])) {
                try await store.removeEnvironment(named: "prod", force: false)
            }
            #expect(try await store.removeEnvironment(named: "prod", force: true) == ["welcome"])
            #expect(try await store.request(named: "welcome").environment == nil)
            #expect(try await store.defaultEnvironmentName() == nil)
            #expect(try await store.environments().isEmpty)
        }
    }

    @Test("requests list by folder (with sub-folders, not look-alike prefixes) and by tag", arguments: Backend.all)
    func listing(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            try await store.addRequest(.sample("b-top"))
            try await store.addRequest(.sample("a-top", tags: ["x"]))
            try await store.addRequest(.sample("welcome", folder: "onboarding", tags: ["x", "y"]))
            try await store.addRequest(.sample("day2", folder: "onboarding/day2"))
            try await store.addRequest(.sample("other", folder: "onboarding2"))
            try await store.addRequest(.sample("pct", folder: "on_boarding"))
            #expect(try await store.requests().map(\.name) == ["a-top", "b-top", "pct", "welcome", "day2", "other"])
            func names(_ folders: [String], _ tags: [String]) async throws -> [String] {
                try await store.requests(matching: RequestSelection(folders: folders, tags: tags)).map(\.name)
            }
            #expect(try await names(["onboarding"], []) == ["welcome", "day2"])
            #expect(try await names(["onboarding/day2"], []) == ["day2"])
            #expect(try await names([], ["x"]) == ["a-top", "welcome"])
            #expect(try await names(["onboarding"], ["y"]) == ["welcome"])
            #expect(try await names(["onboarding/day2", "onboard"], []) == ["day2"], "a prefix is not a folder")
            #expect(try await names([], ["x", "y"]) == ["a-top", "welcome"], "any of the tags, each request once")
            #expect(try await names(["onboarding/day2", "on_boarding"], []) == ["pct", "day2"], "any of the folders")
            #expect(try await store.request(named: "welcome").tags == ["x", "y"])
        }
    }

    @Test("requests: unknown environment, duplicate, rename through edit, copy, remove", arguments: Backend.all)
    func requestLifecycle(_ backend: Backend) async throws {
        try await backend.withStore { under in
            let store = under.store
            await #expect(throws: StoreError.notFound(kind: "environment", name: "prod")) {
                try await store.addRequest(.sample("welcome", environment: "prod"))
            }
            try await store.addRequest(.sample("welcome", tags: ["a"]))
            await #expect(throws: StoreError.alreadyExists(kind: "request", name: "welcome")) {
                try await store.addRequest(.sample("welcome"))
            }
            try await store.copyRequest("welcome", to: "welcome-2")
            #expect(try await store.request(named: "welcome-2").tags == ["a"])
            try await store.renameRequest("welcome-2", to: "second")
            await #expect(throws: StoreError.alreadyExists(kind: "request", name: "welcome")) {
                try await store.renameRequest("second", to: "welcome")
            }
            try await store.removeRequest(named: "second")
            #expect(try await store.requests().map(\.name) == ["welcome"])
            await #expect(throws: StoreError.notFound(kind: "request", name: "second")) {
                try await store.removeRequest(named: "second")
            }
        }
    }
}
