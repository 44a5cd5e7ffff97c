import ArgumentParser
import SalvoCore

/// `salvo audit verify`: recompute the ledger's and the audit trail's hash chains.
struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that no ledger entry or audit event was edited, deleted or re-ordered (exit 1 if one was).",
        discussion: """
            Every entry holds the hash of the one before it and of its own content.
            The newest hash (the head) is printed: keep it elsewhere to detect later
            that entries were cut from the end.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let report = try await context.withStore { store in try await store.verify() }
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
