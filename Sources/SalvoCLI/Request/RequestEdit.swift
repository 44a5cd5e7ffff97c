import ArgumentParser
import SalvoCore

/// `salvo request edit NAME [flags]`; with no flags, opens `$EDITOR` on the request as JSON.
struct RequestEdit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a request with flags, or in $EDITOR when no flag is given.",
        discussion: """
            With flags, a new recipient replaces the old one and --tag adds to the
            tags. With no flags, the request opens in $VISUAL or $EDITOR as a JSON
            document; it is checked when you save, and re-opened with the error on
            top when it is invalid. Quitting the editor with an error (vim: :cq),
            or saving nothing new, changes nothing.

            Examples:
              salvo request edit welcome --phone +79000000000
              salvo request edit welcome --folder onboarding/v2 --tag q3 --untag q2
              salvo request edit welcome
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request's name.", completion: NameCompletion.requests) var name: String
    @OptionGroup var options: RequestOptions
    @Option(help: ArgumentHelp("Remove a tag (repeatable).", valueName: "tag"), completion: NameCompletion.tags)
    var untag: [String] = []
    @Flag(help: "Clear the request's default environment.") var noEnv = false

    func validate() throws {
        guard !(noEnv && options.env != nil) else { throw ValidationError("--env and --no-env cannot go together") }
    }

    func run() async throws {
        let context = CommandContext(global)
        let changed = try await context.withStore { store in
            guard options.isGiven || !untag.isEmpty || noEnv else {
                let editor = EditorSession(console: context.console, environment: context.environment)
                return try await editor.edit(try await store.request(named: name)) { edited in
                    try await store.updateRequest(named: name) { $0 = edited }
                }
            }
            return try await store.updateRequest(named: name) { request in
                try options.apply(to: &request)
                for tag in untag {
                    guard request.tags.contains(tag) else {
                        throw InputError("--untag \(tag): request '\(name)' has no such tag")
                    }
                    request.tags.removeAll { $0 == tag }
                }
                if noEnv { request.environment = nil }
            }
        }
        context.console.note(changed.map { "updated request '\($0.name)'" } ?? "request '\(name)' unchanged")
    }
}
