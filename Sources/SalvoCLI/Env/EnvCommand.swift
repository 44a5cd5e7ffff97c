import ArgumentParser

/// `salvo env`: named environments (base URL, token, variables, guard window).
struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Manage environments: where launches go and with which token.",
        discussion: """
            Names are 1-64 letters, digits, '.', '_' or '-', starting with a letter
            or digit. The token is kept in the store (--token-stdin) or read from a
            variable at send time (--token-env), and is shown only as a fingerprint
            unless you ask for it with `salvo env show NAME --reveal`.
            """,
        subcommands: [
            EnvAdd.self, EnvList.self, EnvShow.self, EnvEdit.self, EnvRename.self, EnvRemove.self, EnvUse.self,
        ]
    )
}
