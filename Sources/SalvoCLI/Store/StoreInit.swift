import ArgumentParser
import SalvoCore

/// `salvo store init`: create a store, or upgrade its schema.
struct StoreInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the store, or upgrade its schema to this salvo's.",
        discussion: """
            An SQLite store is also created by the first command that adds to it
            (`salvo env add`); a PostgreSQL store only by this command, run once
            by the database's owner: every other command on a database without
            salvo's schema exits 4 and says so. Running it again does nothing
            (or applies the migrations a newer salvo brings).

            A team's store: create an empty database, then
              salvo store init --store postgres://salvo@db.example.com/salvo
            and on every machine
              export SALVO_STORE=postgres://salvo@db.example.com/salvo
              export PGPASSWORD=...           # unless the URL or a socket says otherwise
              salvo env add prod --base-url https://api.example.com --token-env TOKEN
            A shared store holds no token values: each machine reads its own
            from the variable its environment names (--token-env).

            Machines that launch are best connected as a role that cannot
            rewrite history: --create-role NAME creates it (when missing) and
            grants what salvo needs, with no UPDATE, DELETE or TRUNCATE on the
            ledger or the audit trail. Give it a password as the owner
              ALTER ROLE salvo_launcher PASSWORD '...';
            (or map it in pg_hba.conf), and let machines use
              postgres://salvo_launcher@db.example.com/salvo
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(
        name: .customLong("create-role"),
        help: ArgumentHelp(
            "PostgreSQL: create a role for launching machines, without UPDATE/DELETE on the ledger and the trail.",
            valueName: "name"))
    var launcherRole: String?
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let info = try await context.withStore(initializing: true, launcherRole: launcherRole) { store in
            try await store.info()
        }
        let role = launcherRole?.lowercased()
        if output.json {
            context.console.out(
                JSONValue.object([
                    .init("store", .string(info.path)), .init("schema_version", .integer(info.schemaVersion)),
                    .init("role", role.map(JSONValue.string) ?? .null),
                ]).pretty)
            return
        }
        context.console.out("store \(info.path) is ready (schema version \(info.schemaVersion))")
        if let role {
            context.console.out(
                "role \(role) may launch: it reads and appends to the ledger and the audit trail, never changes "
                    + "them; set its password as the owner (ALTER ROLE \(role) PASSWORD '...') or map it in pg_hba.conf"
            )
        }
    }
}
