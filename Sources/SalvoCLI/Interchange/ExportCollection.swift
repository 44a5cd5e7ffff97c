import ArgumentParser
import SalvoCore
import SalvoStorage

/// `salvo export collection`: the saved requests as a Postman collection or a salvo bundle.
struct ExportCollection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collection",
        abstract: "Export the saved requests as a Postman Collection v2.1 or a salvo bundle.",
        discussion: """
            postman: folders as items; the base URL and the token as {{base_url}}
            and {{token}} collection variables (base URL and variables from --env, or
            the default environment; the token's value is always empty: use
            `salvo export env NAME --format postman --include-secrets` for it).
            salvo: the lossless form (environments without their tokens, requests,
            folders, tags), which `salvo import` reads back byte for byte.

            Examples:
              salvo export collection --out team.postman_collection.json
              salvo export collection --format salvo --folder onboarding --out onboarding.salvo.json
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case postman, salvo
    }

    @OptionGroup var global: GlobalOptions
    @Option(help: "postman or salvo.") var format: Format = .postman
    @Option(
        help: ArgumentHelp("Only the requests in this folder and its sub-folders.", valueName: "folder"),
        completion: NameCompletion.folders)
    var folder: String?
    @Option(
        help: ArgumentHelp("postman: the environment for base_url and the variables.", valueName: "name"),
        completion: NameCompletion.environments)
    var env: String?
    @OptionGroup var output: ExportOutputOptions

    func run() async throws {
        let context = CommandContext(global)
        if let folder { try Name.validateFolder(folder) }
        let (document, count) = try await context.withStore { store -> (JSONValue, Int) in
            let requests = try await store.requests(matching: RequestSelection(folders: folder.map { [$0] } ?? []))
            if let folder, requests.isEmpty {
                throw InputError("folder '\(folder)' holds no requests; `salvo request list` shows the folders")
            }
            switch format {
            case .salvo:
                let fallback = try await store.defaultEnvironmentName()
                let used = Set(requests.map { $0.environment ?? fallback ?? "" })
                let environments = try await store.environments().filter { folder == nil || used.contains($0.name) }
                return (
                    SalvoBundle.document(
                        environments: environments, requests: requests,
                        defaultEnvironment: environments.contains { $0.name == fallback } ? fallback : nil),
                    requests.count
                )
            case .postman:
                var name = env
                if name == nil { name = try await store.defaultEnvironmentName() }
                let environment = try await name.asyncMap { try await store.environment(named: $0) }
                return (
                    PostmanCollection.document(
                        name: environment?.name ?? "salvo", requests: requests, environment: environment),
                    requests.count
                )
            }
        }
        try output.write(document.pretty + "\n", context: context, summary: "\(count) request(s)")
    }
}
