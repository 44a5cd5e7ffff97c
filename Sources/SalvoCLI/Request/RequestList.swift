import ArgumentParser
import SalvoCore

/// `salvo request list [--folder F]... [--tag T]...`.
struct RequestList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List saved requests by folder, then name.")

    @OptionGroup var global: GlobalOptions
    @Option(
        help: ArgumentHelp("Only this folder and its sub-folders (repeatable: any of them).", valueName: "path"),
        completion: NameCompletion.folders)
    var folder: [String] = []
    @Option(
        help: ArgumentHelp("Only requests with this tag (repeatable: any of them).", valueName: "tag"),
        completion: NameCompletion.tags)
    var tag: [String] = []
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let selection = RequestSelection(folders: folder, tags: tag)
        try selection.validate()
        let requests = try await context.withStore { store in try await store.requests(matching: selection) }
        if output.json {
            context.console.out(JSONValue.array(requests.map(RequestDocument.json)).pretty)
        } else if requests.isEmpty {
            context.console.note(
                selection.isEmpty
                    ? "no requests yet; add one with `salvo request add NAME --trigger ID --email ADDRESS`"
                    : "no requests match")
        } else {
            let rows = requests.map { RequestView(request: $0).row }
            context.console.out(Table(headers: RequestView.headers, rows: rows).render(console: context.console))
        }
    }
}
