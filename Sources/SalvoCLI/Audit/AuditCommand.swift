import ArgumentParser

/// `salvo audit`: the trail of every change to environments and requests.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read the audit trail.", subcommands: [AuditLog.self])
}
