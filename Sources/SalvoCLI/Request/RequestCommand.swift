import ArgumentParser

/// `salvo request`: the collection of saved launch requests.
struct RequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Manage the collection of saved launch requests.",
        discussion: """
            A request is a template: any string value may hold {{name}}, filled at
            send time from data rows, then --var, then the environment's variables.
            Names are 1-64 letters, digits, '.', '_' or '-', starting with a letter
            or digit; folders are names joined by '/', such as onboarding/welcome.
            """,
        subcommands: [
            RequestAdd.self, RequestList.self, RequestShow.self, RequestEdit.self, RequestRename.self,
            RequestCopy.self, RequestRemove.self,
        ]
    )
}
