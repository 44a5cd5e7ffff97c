import ArgumentParser

/// `salvo audit`: the trail of every change to environments and requests.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and verify the audit trail and the ledger.",
        subcommands: [AuditLog.self, AuditVerify.self, AuditCheckpoint.self])
}
