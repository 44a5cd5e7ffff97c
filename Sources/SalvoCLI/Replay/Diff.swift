import ArgumentParser
import SalvoCore
import SalvoStorage

/// `salvo diff ID ID`: two launches side by side.
struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two launches: what differs in the request as sent, the response, the status and timing.",
        discussion: """
            Bodies are compared as canonical JSON (keys sorted), line by line:
            '-' lines are only in the first launch, '+' lines only in the second.
            Each launch is its last attempt. Exit 0 whether or not they differ.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The first launch's ledger id.") var first: Int64
    @Argument(help: "The second launch's ledger id.") var second: Int64

    func run() async throws {
        let context = CommandContext(global)
        let (a, b) = try await context.withStore { store in
            (try await store.launch(id: first), try await store.launch(id: second))
        }
        guard let left = a.attempts.last, let right = b.attempts.last else { return }
        context.console.out(
            LaunchDiff.lines(
                .init(id: a.line.id, result: a.line.result, last: left),
                .init(id: b.line.id, result: b.line.result, last: right)
            ).joined(separator: "\n"))
    }
}
