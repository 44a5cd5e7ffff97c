import ArgumentParser
import SalvoCore

/// `salvo request add NAME ...`.
struct RequestAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Save a launch request in the collection.",
        discussion: """
            A trigger launch takes --trigger and one recipient: --email, --phone,
            --profile-id, --field NAME=VALUE or --query JSON. Any other API method
            takes --method and --body (or --body-file).

            Examples:
              salvo request add welcome --trigger 1 --email zaycev@example.com \\
                  --folder onboarding
              salvo request add vk-catalog --trigger 5 --field vk_id=123456
              salvo request add promo --trigger '{{trigger}}' --phone '{{phone}}' \\
                  --content name='{{name}}'
              salvo request add batch --method campaigns/triggers/start_batch \\
                  --body '{"trigger_id": 7, "matching": "email",
                           "data": [{"email": "a@example.com"}]}'
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request's name.") var name: String
    @OptionGroup var options: RequestOptions

    func run() async throws {
        let context = CommandContext(global)
        var request = LaunchRequest(name: name, kind: .trigger, method: LaunchRequest.triggerMethod, body: .object([]))
        try options.apply(to: &request)
        if request.kind == .method && options.body == nil && options.bodyFile == nil {
            throw InputError("--method \(request.method) needs a body: --body JSON or --body-file FILE")
        }
        try request.validate()
        try await context.withStore(creating: true) { store in try await store.addRequest(request) }
        context.console.note("added request '\(name)'" + (request.folder.isEmpty ? "" : " in \(request.folder)"))
    }
}
