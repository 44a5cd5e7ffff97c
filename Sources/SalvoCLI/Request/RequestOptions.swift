import ArgumentParser
import SalvoCore

/// The flags `request add` and `request edit` share: the method and body, where the request sits, and its
/// default environment.
struct RequestOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The API method, for requests other than trigger launches, e.g. campaigns/triggers/start_batch.",
            valueName: "method"))
    var method: String?

    @Option(help: ArgumentHelp("The JSON body (without the token: the environment adds it).", valueName: "json"))
    var body: String?

    @Option(help: ArgumentHelp("Read the JSON body from a file.", valueName: "file"))
    var bodyFile: String?

    @Option(
        help: ArgumentHelp("The folder, e.g. onboarding/welcome (\"\" for the top level).", valueName: "path"),
        completion: NameCompletion.folders)
    var folder: String?

    @Option(
        name: .customLong("tag"), help: ArgumentHelp("Add a tag (repeatable).", valueName: "tag"),
        completion: NameCompletion.tags)
    var tags: [String] = []

    @Option(
        help: ArgumentHelp("The request's default environment.", valueName: "name"),
        completion: NameCompletion.environments)
    var env: String?

    @OptionGroup var trigger: TriggerOptions

    var isGiven: Bool {
        method != nil || body != nil || bodyFile != nil || folder != nil || !tags.isEmpty || env != nil
            || trigger.isGiven
    }

    func validate() throws {
        guard body == nil || bodyFile == nil else { throw ValidationError("give the body once: --body or --body-file") }
    }

    /// Applies the flags to `request`: method and body first, then the trigger flags on that body.
    func apply(to request: inout LaunchRequest) throws {
        if let method {
            try LaunchRequest.validateMethod(method)
            request.method = method
            request.kind = method == LaunchRequest.triggerMethod ? .trigger : .method
        }
        if let body { request.body = try FlagParsing.json(body, flag: "--body") }
        if let bodyFile {
            request.body = try FlagParsing.json(
                try FlagParsing.readText(bodyFile, flag: "--body-file"), flag: "--body-file \(bodyFile)")
        }
        if trigger.isGiven {
            guard request.kind == .trigger else {
                throw InputError(
                    "\(request.method) is not a trigger launch: put its fields in --body instead of the trigger flags")
            }
            request.body = try TriggerBody.applying(try trigger.changes(), to: request.body)
        }
        if let folder { request.folder = folder.hasSuffix("/") ? String(folder.dropLast()) : folder }
        request.tags += tags
        if let env { request.environment = env }
    }
}
