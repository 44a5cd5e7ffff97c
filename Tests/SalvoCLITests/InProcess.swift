import Foundation
import SalvoCore
import Testing

@testable import SalvoCLI

/// Runs salvo's commands in this process, as `main` does, with a temporary store, captured output, a fixed
/// operator and the process environment the test gives.
final class InProcess: Sendable {
    let folder: String
    let store: String
    let environment: [String: String]

    struct Outcome: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    init(environment: [String: String] = [:]) {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("salvo-cli-\(UUID().uuidString)").path
        store = folder + "/salvo.db"
        self.environment = environment.merging(["NO_COLOR": "1"]) { given, _ in given }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs `salvo ARGUMENTS --store STORE` (the store is left out after `--`, and for `--help`).
    func run(_ arguments: [String]) async -> Outcome {
        let captured = CapturedOutput()
        let world = CommandEnvironment(
            console: Console(capturing: captured), environment: environment,
            author: Operator(user: "tester", host: "test-host"))
        let withStore = arguments.contains("--help") ? arguments : arguments + ["--store", store]
        let status = await CommandEnvironment.$current.withValue(world) { await SalvoMain.run(withStore) }
        return Outcome(status: status, stdout: captured.stdout, stderr: captured.stderr)
    }

    /// Runs each command, failing the test on an unexpected exit status.
    func setUp(_ commands: [[String]]) async {
        for command in commands {
            let outcome = await run(command)
            #expect(outcome.status == 0, "\(command): \(outcome.stderr)")
        }
    }
}
