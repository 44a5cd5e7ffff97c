import ArgumentParser
import SalvoBackends
import SalvoCore
import SalvoRunner

/// `salvo store copy`: one store into another, SQLite to PostgreSQL and back.
struct StoreCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a store (collection, runs, ledger, audit trail) into an empty one, SQLite or PostgreSQL.",
        discussion: """
            The copy holds the same chains: `salvo audit verify` on it prints the
            source's ledger head. The target must be empty: a new SQLite path, or
            a database that holds nothing but salvo's schema (it is created or
            upgraded first, as by `salvo store init`). A source that does not
            verify, or with a run in progress, is not copied.

            A PostgreSQL store holds no token values: an environment that keeps
            its token in the source reads it from a variable in the target
            (--token-env, default SALVO_TOKEN), and that change is the copy's own
            event in the target's audit trail. Token fingerprints stay the same.

            Examples:
              salvo store copy --to postgres://salvo@db/salvo --token-env ALTCRAFT_TOKEN
              salvo store copy --from postgres://salvo@db/salvo --to backup.db
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(
        help: ArgumentHelp(
            "The store to copy (default: the store, as --store or $SALVO_STORE say).", valueName: "path|url"))
    var from: String?
    @Option(help: ArgumentHelp("The empty store to copy into.", valueName: "path|url"))
    var to: String
    @Option(
        name: .customLong("token-env"),
        help: ArgumentHelp(
            "The variable a stored token is read from where the target holds none.", valueName: "var"))
    var tokenVariable = ImportBundle.defaultTokenVariable
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var options = global
        options.store = from ?? global.store
        let context = CommandContext(options, storeFlag: from == nil ? "--store" : "--from")
        context.warnOfPassword(in: to, flag: "--to")
        guard !to.isEmpty else { throw InputError("--to is empty; give the target store's path or URL") }
        guard !StoreOpener.sameStore(to, context.storePath) else {
            throw InputError("--to is the store being copied; give another path or URL")
        }
        let summary = try await context.withStore { source in
            try await StoreCopy(from: source, tokenVariable: tokenVariable, author: context.author).copy {
                try await StoreOpener.open(
                    to, author: context.author, create: true, initialize: true, environment: context.environment)
            }
        }
        show(summary, context: context)
        if !summary.verified.problems.isEmpty { throw ExitCode(ExitStatus.rejected.rawValue) }
    }

    private func show(_ summary: StoreCopy.Summary, context: CommandContext) {
        let target = StoreOpener.display(to)
        let verified = summary.verified
        if output.json {
            context.console.out(
                JSONValue.object([
                    .init("from", .string(context.storePath)), .init("to", .string(target)),
                    .init("environments", .integer(summary.environments)),
                    .init("requests", .integer(summary.requests)), .init("runs", .integer(summary.runs)),
                    .init("ledger_entries", .integer(summary.ledgerEntries)),
                    .init("audit_events", .integer(summary.auditEvents)),
                    .init("token_env", .string(tokenVariable)),
                    .init("token_env_environments", .array(summary.converted.map { .string($0) })),
                    .init("ok", .bool(verified.problems.isEmpty)),
                    .init("ledger_head", .string(verified.ledgerHead)),
                    .init("audit_head", .string(verified.auditHead)),
                    .init("problems", .array(verified.problems.map { .string($0) })),
                ]).pretty)
            return
        }
        context.console.out(
            "copied \(context.storePath) -> \(target): \(summary.environments) environments, "
                + "\(summary.requests) requests, \(summary.runs) runs, \(summary.ledgerEntries) ledger entries, "
                + "\(summary.auditEvents) audit events")
        for name in summary.converted {
            context.console.out(
                "environment '\(name)' kept its token in the source: there it reads $\(tokenVariable) "
                    + "(an audit event of the copy says so)")
        }
        guard verified.problems.isEmpty else {
            verified.problems.forEach { context.console.out("FAILED: \($0)") }
            return
        }
        context.console.out(
            "verified: \(verified.ledgerEntries) ledger entries and \(verified.auditEvents) audit events\n"
                + "ledger head \(verified.ledgerHead)\naudit head  \(verified.auditHead)")
    }
}
