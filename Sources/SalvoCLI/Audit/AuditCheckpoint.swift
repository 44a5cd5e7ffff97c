import ArgumentParser
import SalvoCore
import SalvoRunner

/// `salvo audit checkpoint`: the chains' heads, to keep elsewhere.
struct AuditCheckpoint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Write the chains' heads as a small JSON document to keep elsewhere (a witness for audit verify).",
        discussion: """
            The ledger's and the audit trail's lengths and newest hashes, once both
            chains verify (exit 1 otherwise, writing nothing). Keep the document
            where the store's owner cannot rewrite it; `salvo audit verify
            --witness FILE` fails when the store no longer extends it.

            Examples:
              salvo audit checkpoint --out checkpoints/$(date +%F).json
              salvo audit checkpoint | mail -s "salvo checkpoint" audit@example.com
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: ExportOutputOptions

    func run() async throws {
        let context = CommandContext(global)
        _ = try output.target(context)
        let (checkpoint, report) = try await context.withStore { store in
            try await AuditService(store: store).checkpoint()
        }
        guard let checkpoint else {
            report.problems.forEach { context.console.note("FAILED: \($0)") }
            context.console.error("the chains do not verify: no checkpoint written")
            throw ExitCode(ExitStatus.rejected.rawValue)
        }
        try output.write(
            checkpoint.json.pretty + "\n", context: context,
            summary: "the checkpoint of \(checkpoint.ledger.entries) ledger entries and \(checkpoint.audit.entries) "
                + "audit events")
    }
}
