import ArgumentParser
import SalvoCore
import SalvoRunner

/// `salvo audit verify`: recompute the ledger's and the audit trail's hash chains.
struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that no ledger entry or audit event was edited, deleted or re-ordered (exit 1 if one was).",
        discussion: """
            Every entry holds the hash of the one before it and of its own content;
            the store's schema (its append-only triggers included) must be the one
            its migrations make. The newest hashes (the heads) are printed.

            What the chains alone cannot show: entries cut from the end, or a
            history rewritten by someone who recomputed every hash. Keep a
            checkpoint elsewhere (`salvo audit checkpoint --out FILE`, in a ticket,
            a repository, a mail) and verify against it with --witness FILE.

            Examples:
              salvo audit verify
              salvo audit verify --witness checkpoints/2026-12-01.json
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(
        name: .customLong("witness"),
        help: ArgumentHelp(
            "A checkpoint the chains must still extend (repeatable), from `salvo audit checkpoint`.",
            valueName: "file"))
    var witnesses: [String] = []
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let checkpoints = try witnesses.map { (path: String) throws(InputError) -> Witness in
            let text = try FlagParsing.readText(path, flag: "--witness")
            do throws(InputError) {
                return Witness(name: path, checkpoint: try ChainCheckpoint.parse(text))
            } catch {
                throw InputError("--witness \(path): \(error.message)")
            }
        }
        let report = try await context.withStore { store in
            try await AuditService(store: store).verify(witnesses: checkpoints)
        }
        if output.json {
            context.console.out(
                JSONValue.object([
                    .init("ok", .bool(report.problems.isEmpty)),
                    .init("ledger_entries", .integer(report.ledgerEntries)),
                    .init("audit_events", .integer(report.auditEvents)),
                    .init("ledger_head", .string(report.ledgerHead)),
                    .init("audit_head", .string(report.auditHead)),
                    .init("problems", .array(report.problems.map { .string($0) })),
                ]).pretty)
        } else if report.problems.isEmpty {
            context.console.out(
                "ok: \(report.ledgerEntries) ledger entries and \(report.auditEvents) audit events verified\n"
                    + "ledger head \(report.ledgerHead)\naudit head  \(report.auditHead)")
        } else {
            report.problems.forEach { context.console.out("FAILED: \($0)") }
            context.console.out(
                "verified before the break: \(report.ledgerEntries) ledger entries, \(report.auditEvents) audit events")
        }
        if !report.problems.isEmpty { throw ExitCode(ExitStatus.rejected.rawValue) }
    }
}
