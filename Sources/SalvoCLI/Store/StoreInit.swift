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
              salvo env add prod --base-url https://api.example.com --token-env ALTCRAFT_TOKEN
            A shared store holds no token values: each machine reads its own
            from the variable its environment names (--token-env).
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let info = try await context.withStore(initializing: true) { store in try await store.info() }
        if output.json {
            context.console.out(
                JSONValue.object([
                    .init("store", .string(info.path)), .init("schema_version", .integer(info.schemaVersion)),
                ]).pretty)
        } else {
            context.console.out("store \(info.path) is ready (schema version \(info.schemaVersion))")
        }
    }
}
