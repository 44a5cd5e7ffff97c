import Foundation
import GRDB
import SalvoCore
import Testing

@testable import SalvoStore

@Suite("Environments and requests in the store")
struct CollectionStoreTests {
    @Test("an environment round-trips; the first one becomes the default")
    func environments() throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        #expect(try store.addEnvironment(.sample("prod")) == true)
        #expect(try store.addEnvironment(.sample("staging")) == false)
        let stored = try store.environment(named: "prod")
        var expected = Environment.sample("prod")
        expected.uid = stored.uid
        #expect(stored == expected)
        #expect(stored.uid?.count == 32)
        #expect(try store.environment(uid: try #require(stored.uid))?.name == "prod")
        try store.renameEnvironment("prod", to: "production")
        #expect(try store.environment(uid: try #require(stored.uid))?.name == "production", "identity kept")
        try store.renameEnvironment("production", to: "prod")
        #expect(try store.environments().map(\.name) == ["prod", "staging"])
        #expect(try store.defaultEnvironmentName() == "prod")
        try store.useEnvironment(named: "staging")
        #expect(try store.defaultEnvironmentName() == "staging")
        #expect(throws: StoreError.alreadyExists(kind: "environment", name: "prod")) {
            try store.addEnvironment(.sample("prod"))
        }
        #expect(throws: StoreError.notFound(kind: "environment", name: "nope")) {
            try store.useEnvironment(named: "nope")
        }
    }

    @Test("editing an environment validates inside the transaction and reports no-op edits")
    func editEnvironment() throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        try store.addEnvironment(.sample())
        let edited = try store.updateEnvironment(named: "prod") { $0.auth = .bearer }
        #expect(edited?.auth == .bearer)
        #expect(try store.updateEnvironment(named: "prod") { $0.auth = .bearer } == nil)
        #expect(throws: InputError.self) { try store.updateEnvironment(named: "prod") { $0.token = .stored("") } }
        #expect(try store.environment(named: "prod").token == .stored("secret-token"))
    }

    @Test("renaming an environment carries its requests and the default along")
    func renameEnvironment() throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        try store.addEnvironment(.sample("prod"))
        try store.addRequest(.sample("welcome", environment: "prod"))
        try store.renameEnvironment("prod", to: "production")
        #expect(try store.request(named: "welcome").environment == "production")
        #expect(try store.defaultEnvironmentName() == "production")
    }

    @Test("removing an environment in use is refused unless forced, which clears the requests' default")
    func removeEnvironment() throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        try store.addEnvironment(.sample("prod"))
        try store.addRequest(.sample("welcome", environment: "prod"))
        #expect(throws: StoreError.inUse(environment: "prod", requests: ["welcome"])) {
            try store.removeEnvironment(named: "prod", force: false)
        }
        #expect(try store.removeEnvironment(named: "prod", force: true) == ["welcome"])
        #expect(try store.request(named: "welcome").environment == nil)
        #expect(try store.defaultEnvironmentName() == nil)
        #expect(try store.environments().isEmpty)
    }

    @Test("requests list by folder (with sub-folders, not look-alike prefixes) and by tag")
    func listing() throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        try store.addRequest(.sample("b-top"))
        try store.addRequest(.sample("a-top", tags: ["x"]))
        try store.addRequest(.sample("welcome", folder: "onboarding", tags: ["x", "y"]))
        try store.addRequest(.sample("day2", folder: "onboarding/day2"))
        try store.addRequest(.sample("other", folder: "onboarding2"))
        try store.addRequest(.sample("pct", folder: "on_boarding"))
        #expect(try store.requests().map(\.name) == ["a-top", "b-top", "pct", "welcome", "day2", "other"])
        #expect(try store.requests(inFolder: "onboarding").map(\.name) == ["welcome", "day2"])
        #expect(try store.requests(inFolder: "onboarding/day2").map(\.name) == ["day2"])
        #expect(try store.requests(tag: "x").map(\.name) == ["a-top", "welcome"])
        #expect(try store.requests(inFolder: "onboarding", tag: "y").map(\.name) == ["welcome"])
        #expect(try store.request(named: "welcome").tags == ["x", "y"])
    }

    @Test("requests: unknown environment, duplicate, rename through edit, copy, remove")
    func requestLifecycle() throws {
        let fixture = StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        #expect(throws: StoreError.notFound(kind: "environment", name: "prod")) {
            try store.addRequest(.sample("welcome", environment: "prod"))
        }
        try store.addRequest(.sample("welcome", tags: ["a"]))
        #expect(throws: StoreError.alreadyExists(kind: "request", name: "welcome")) {
            try store.addRequest(.sample("welcome"))
        }
        try store.copyRequest("welcome", to: "welcome-2")
        #expect(try store.request(named: "welcome-2").tags == ["a"])
        try store.renameRequest("welcome-2", to: "second")
        #expect(throws: StoreError.alreadyExists(kind: "request", name: "welcome")) {
            try store.renameRequest("second", to: "welcome")
        }
        try store.removeRequest(named: "second")
        #expect(try store.requests().map(\.name) == ["welcome"])
        #expect(throws: StoreError.notFound(kind: "request", name: "second")) {
            try store.removeRequest(named: "second")
        }
    }
}
