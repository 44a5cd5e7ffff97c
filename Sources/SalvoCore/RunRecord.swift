/// What a run launches and how, as recorded with it: written and read only here, so a resume works with
/// exactly the settings the run started with (a timeout of 0.5 s stays 0.5 s).
public struct RunRecord: Equatable, Sendable {
    /// One selected request and the environment its launches go to, by name and by identity (a resume follows
    /// renames through the identity).
    public struct Target: Equatable, Sendable {
        public var request: String
        public var requestUID: String?
        public var environment: String
        public var environmentUID: String?

        public init(request: String, requestUID: String?, environment: String, environmentUID: String?) {
            self.request = request
            self.requestUID = requestUID
            self.environment = environment
            self.environmentUID = environmentUID
        }
    }

    public var targets: [Target] = []
    /// `--folder` and `--tag` values.
    public var folders: [String] = []
    public var tags: [String] = []
    public var iterations = 1
    /// `--var` values.
    public var variables: [String: String] = [:]
    public var concurrency = 1
    public var rate: Double?
    public var delayMilliseconds: Int?
    public var timeoutSeconds: Double = 30
    public var retries = 0
    public var bail = false
    public var force = false
    /// How many launches the run was to make (positions), when known: reports count those never attempted.
    public var planned: Int?
    /// The run's report files (`KIND=ABSOLUTE-PATH`), rewritten whole by a resume that names none of its own.
    public var reports: [String] = []
    /// What a replay sends again: one launch (its ledger id and request), or a run's launches (which ones).
    public var replay: Replay?

    /// What a replay run replays.
    public enum Replay: Equatable, Sendable {
        case launch(id: Int64, request: String)
        case run(id: Int64, launches: String)
    }

    public init() {}

    /// `settings` for a replay of `replay`.
    public static func replaying(_ replay: Replay, settings: RunRecord) -> RunRecord {
        var record = settings
        record.replay = replay
        return record
    }

    /// The selection column: what was selected, and where each request goes.
    public var selection: JSONValue {
        switch replay {
        case .launch(let id, let request)?:
            return ["replay_of": .number(String(id)), "request": .string(request)]
        case .run(let id, let launches)?:
            return ["replay_of_run": .number(String(id)), "launches": .string(launches)]
        case nil:
            break
        }
        return .object([
            .init("requests", .array(targets.map { .string($0.request) })),
            .init("folders", .array(folders.map { .string($0) })), .init("tags", .array(tags.map { .string($0) })),
            .init(
                "targets",
                .array(
                    targets.map { target in
                        .object([
                            .init("request", .string(target.request)),
                            .init("request_uid", target.requestUID.map { .string($0) } ?? .null),
                            .init("environment", .string(target.environment)),
                            .init("environment_uid", target.environmentUID.map { .string($0) } ?? .null),
                        ])
                    })),
        ])
    }

    /// The settings column.
    public var settings: JSONValue {
        .object([
            .init("iterations", .integer(iterations)), .init("variables", AuditDocument.variables(variables)),
            .init("concurrency", .integer(concurrency)), .init("rate", rate.map { .number(String($0)) } ?? .null),
            .init("delay_ms", delayMilliseconds.map { .integer($0) } ?? .null),
            .init("timeout_seconds", .number(String(timeoutSeconds))), .init("retries", .integer(retries)),
            .init("bail", .bool(bail)), .init("force", .bool(force)),
            .init("reports", .array(reports.map { .string($0) })),
            .init("planned", planned.map { .integer($0) } ?? .null),
        ])
    }

    /// A run's record from its columns. Runs recorded before targets existed name their requests only; they go
    /// to `environment`, the run's.
    public init(selection: JSONValue, settings: JSONValue, environment: String) {
        func number(_ key: String) -> Double? {
            if case .number(let text)? = settings[key] { return Double(text) }
            return nil
        }
        if case .array(let items)? = selection["targets"] {
            targets = items.compactMap { item in
                guard let request = item["request"]?.stringValue, let environment = item["environment"]?.stringValue
                else { return nil }
                return Target(
                    request: request, requestUID: item["request_uid"]?.stringValue, environment: environment,
                    environmentUID: item["environment_uid"]?.stringValue)
            }
        } else if case .array(let names)? = selection["requests"] {
            targets = names.compactMap(\.stringValue).map {
                Target(request: $0, requestUID: nil, environment: environment, environmentUID: nil)
            }
        } else if let name = selection["request"]?.stringValue ?? selection["requests"]?.stringValue {
            targets = [Target(request: name, requestUID: nil, environment: environment, environmentUID: nil)]
        }
        // Runs recorded before --folder and --tag were repeatable have one of each, or null.
        func strings(_ key: String, _ older: String) -> [String] {
            if case .array(let items)? = selection[key] { return items.compactMap(\.stringValue) }
            return selection[older]?.stringValue.map { [$0] } ?? []
        }
        folders = strings("folders", "folder")
        tags = strings("tags", "tag")
        if case .number(let id)? = selection["replay_of"], let id = Int64(id) {
            replay = .launch(id: id, request: selection["request"]?.stringValue ?? "")
        } else if case .number(let id)? = selection["replay_of_run"], let id = Int64(id) {
            replay = .run(id: id, launches: selection["launches"]?.stringValue ?? "")
        }
        iterations = number("iterations").map { Int($0) } ?? 1
        for member in settings["variables"]?.members ?? [] { variables[member.key] = member.value.stringValue }
        concurrency = number("concurrency").map { Int($0) } ?? 1
        rate = number("rate")
        delayMilliseconds = number("delay_ms").map { Int($0) }
        timeoutSeconds = number("timeout_seconds") ?? 30
        retries = number("retries").map { Int($0) } ?? 0
        bail = settings["bail"] == .bool(true)
        force = settings["force"] == .bool(true)
        if case .array(let items)? = settings["reports"] { reports = items.compactMap(\.stringValue) }
        planned = number("planned").map { Int($0) }
    }
}
