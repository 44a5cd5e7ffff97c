import ArgumentParser

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store: an SQLite file's path or a postgres:// URL (default: $SALVO_STORE, else "
                + "$XDG_DATA_HOME/salvo/salvo.db).", valueName: "path|url"), completion: .file())
    var store: String?
}

/// `--json` for listing and show commands: stable keys for scripts instead of a table.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON with stable keys instead of a table.")
    var json = false
}
