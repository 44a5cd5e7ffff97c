import Foundation
import SalvoSQLite
import SalvoTestSupport
import Testing

/// What one run of the `salvo` binary did.
struct Outcome: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// A temporary home for end-to-end tests: a folder, a store path inside it, and a way to run the built binary
/// against them with a controlled environment.
final class Workspace: @unchecked Sendable {
    let folder: String
    let store: String
    /// Extra environment variables for every run.
    var environment: [String: String] = [:]

    /// A workspace whose store is `store` (a PostgreSQL URL), else an SQLite file in its folder.
    init(store: String? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("salvo-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        self.store = store ?? folder + "/store/salvo.db"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A new workspace holding a copy of this one's store (to tamper with, leaving this one as it was).
    func copy() throws -> Workspace {
        let copy = try Workspace()
        try FileManager.default.createDirectory(atPath: copy.folder + "/store", withIntermediateDirectories: true)
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: store + suffix) {
            try FileManager.default.copyItem(atPath: store + suffix, toPath: copy.store + suffix)
        }
        return copy
    }

    /// The built `salvo` binary: `$SALVO_BINARY`, else `.build/debug/salvo` in this package.
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["SALVO_BINARY"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/salvo").path
    }()

    /// Runs `salvo ARGS` with `--store` pointing at this workspace's store (through `SALVO_STORE`).
    @discardableResult
    func salvo(_ arguments: String..., stdin: String? = nil, env: [String: String] = [:]) async throws -> Outcome {
        try await run(arguments, stdin: stdin, env: env)
    }

    /// Runs `salvo ARGS`; `env` adds or overrides variables, `unsetting` removes them (`SALVO_STORE` for the
    /// default store).
    func run(
        _ arguments: [String], stdin: String? = nil, env: [String: String] = [:], unsetting: Set<String> = [],
        binary: String = Workspace.binary
    )
        async throws -> Outcome
    {
        var variables = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": folder, "SALVO_STORE": store, "USER": "e2e",
            "LANG": "C.UTF-8",
        ]
        variables.merge(environment) { _, new in new }
        variables.merge(env) { _, new in new }
        for name in unsetting { variables[name] = nil }
        let files = "\(folder)/.run-\(UUID().uuidString)"
        defer {
            for suffix in [".in", ".out", ".err"] { try? FileManager.default.removeItem(atPath: files + suffix) }
        }
        if let stdin { try stdin.write(toFile: files + ".in", atomically: false, encoding: .utf8) }
        let child = try Child(
            binary, arguments, environment: variables, stdin: stdin == nil ? nil : files + ".in",
            stdout: files + ".out", stderr: files + ".err")
        let status = await child.exit()
        return Outcome(
            status: status, stdout: try String(contentsOfFile: files + ".out", encoding: .utf8),
            stderr: try String(contentsOfFile: files + ".err", encoding: .utf8))
    }

    /// Every table's rows as text, read without writing: equal dumps mean an unchanged store.
    func dump(excludingTokenColumn: Bool = false) throws -> String {
        guard FileManager.default.fileExists(atPath: store) else { return "(no store)" }
        return try SQLiteStore.dump(at: store, excludingTokenColumn: excludingTokenColumn)
    }

    /// Writes an executable shell script and returns its path.
    func script(_ name: String, _ body: String) throws -> String {
        let path = "\(folder)/\(name)"
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// A store with an environment and a request, for tests that need something to work on.
    func seed() async throws {
        let env = try await salvo(
            "env", "add", "prod", "--base-url", "https://example.com", "--token-stdin", stdin: "seed-token-0001\n")
        #expect(env.status == 0, "\(env)")
        let request = try await salvo(
            "request", "add", "welcome", "--trigger", "1", "--email", "zaycev@example.com", "--folder", "onboarding",
            "--tag", "new", "--env", "prod")
        #expect(request.status == 0, "\(request)")
    }
}

extension String {
    /// The parsed JSON of this text (for checking `--json` output).
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(utf8), options: [.fragmentsAllowed])
    }

    var lines: [Substring] { split(separator: "\n") }
}
