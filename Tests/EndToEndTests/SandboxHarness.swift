import Foundation
import SalvoSandbox
import SalvoTestSupport
import Testing

/// An in-process sandbox on port 0 for end-to-end tests, and helpers to point a workspace at it.
struct TestSandbox {
    let server: SandboxServer
    static let token = "sandbox-e2e-token-7f3a9c"

    static func start(_ configure: (inout SandboxConfiguration) -> Void = { _ in }) async throws -> TestSandbox {
        var configuration = SandboxConfiguration(tokens: [token])
        configuration.port = 0
        configuration.seed = 7
        configure(&configuration)
        return TestSandbox(server: try await SandboxServer.start(configuration))
    }

    var url: String { server.url }

    /// The same sandbox (port, log, known Request-IDs) misbehaving differently from now on.
    func reconfigure(_ change: (inout SandboxConfiguration) -> Void) {
        server.reconfigure(change)
    }

    /// Deliveries per recipient, duplicates (answered by Request-ID de-duplication) not counted.
    func deliveries() async -> [String: Int] {
        await records().filter(\.delivered).reduce(into: [:]) { $0[$1.recipient ?? "", default: 0] += 1 }
    }

    func records() async -> [SandboxRecord] { await server.records() }

    func stop() async { await server.stop() }
}

extension Workspace {
    /// Adds environment `name` pointing at `url` with `token` (the sandbox's by default), guard as given.
    func addEnvironment(_ name: String, url: String, token: String = TestSandbox.token, extra: [String] = [])
        async throws
    {
        let add = try await run(["env", "add", name, "--base-url", url, "--token-stdin"] + extra, stdin: token)
        #expect(add.status == 0, "\(add)")
    }

    /// Adds a trigger request.
    func addRequest(_ name: String, _ flags: String...) async throws {
        let add = try await run(["request", "add", name] + flags)
        #expect(add.status == 0, "\(add)")
    }

    /// A workspace with environment `sb` on `sandbox` (guard off) and request `promo` (phone and code from
    /// the data), and with `rows`, a `rows.csv` of that many distinct phones.
    static func prepared(_ sandbox: TestSandbox, rows: Int? = nil, prefix: String = "+7") async throws -> Workspace {
        let work = try Workspace()
        try await work.addEnvironment("sb", url: sandbox.url, extra: ["--guard", "0"])
        try await work.addRequest("promo", "--trigger", "1", "--phone", "{{phone}}", "--content", "code={{code}}")
        if let rows {
            var csv = "phone,code\n"
            for index in 0..<rows {
                csv += "\(prefix)\(String(format: "%010d", index)),\(String(format: "%03d", index))\n"
            }
            try csv.write(toFile: work.folder + "/rows.csv", atomically: true, encoding: .utf8)
        }
        return work
    }

    /// `history --json` as objects.
    func history(_ arguments: String...) async throws -> [[String: Any]] {
        let outcome = try await run(["history", "--json"] + arguments)
        #expect(outcome.status == 0, "\(outcome)")
        return try #require(try outcome.stdout.json() as? [[String: Any]])
    }

    /// Starts `salvo ARGS` without waiting for it; its output and errors go to the file `output`.
    func spawn(_ arguments: [String], stdin: String? = nil) throws -> (process: Child, output: String) {
        let output = "\(folder)/.spawn-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": folder, "SALVO_STORE": store, "LANG": "C.UTF-8",
        ].merging(environment) { _, new in new }
        return (
            try Child(Workspace.binary, arguments, environment: environment, stdin: stdin, stdout: output), output
        )
    }

    /// Runs `sqlite3 STORE SQL` and returns its exit status and stderr.
    func sqlite(_ sql: String) async throws -> (status: Int32, stderr: String) {
        let errors = "\(folder)/.sqlite-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: errors) }
        let status = await try Child("/usr/bin/sqlite3", [store, sql], environment: [:], stderr: errors).exit()
        return (status, try String(contentsOfFile: errors, encoding: .utf8))
    }
}

/// Polls `condition` every 20 ms for at most `seconds`.
func eventually(_ seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// A loopback port with nothing listening on it.
func closedPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits for `process` to end.
func waitForExit(_ process: Child) async {
    await process.exit()
}

/// What a spawned process has written so far (to show in a failed expectation).
func said(_ output: String) -> String {
    (try? String(contentsOfFile: output, encoding: .utf8)) ?? "(nothing)"
}
