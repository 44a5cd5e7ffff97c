import SalvoCore

/// The platform's answers to the methods salvo launches, as `altcraft-api.md` documents them: validation
/// with the envelope's codes, and a success body per method.
enum PlatformRules {
    /// The methods the sandbox answers, under `/api/v1.1/`.
    static let methods: Set<String> = [
        "campaigns/triggers/start", "campaigns/triggers/start_batch", "campaigns/triggers/start_batch_task",
        "campaigns/triggers/import_and_start", "workflows/start", "profiles/import",
    ]

    /// An envelope answer: the platform's code (0 for success), its text, and what goes beside them.
    struct Answer {
        var code: Int
        var text: String
        var extra: [JSONValue.Member] = []

        static func bad(_ text: String) -> Answer { Answer(code: 400, text: "Incorrect request: \(text)") }

        var body: String {
            JSONValue.object([.init("error", .integer(code)), .init("error_text", .string(text))] + extra).compact
        }
    }

    /// Checks a launch's body for `method` and answers like the platform.
    static func answer(method: String, body: JSONValue, triggers: Set<Int>?, launchNumber: Int) -> Answer {
        switch method {
        case "campaigns/triggers/start", "workflows/start":
            if let problem = integer(body["id"], "id") { return problem }
            if method == "campaigns/triggers/start", let triggers, let id = integerValue(body["id"]),
                !triggers.contains(id)
            {
                return Answer(code: 400, text: "Trigger mailing #\(id) not found or not active")
            }
            if let query = body["custom_request"] {
                guard query.members != nil else { return .bad("custom_request must be an object") }
            } else if let problem = matching(body) {
                return problem
            }
            for field in ["content", "custom_data", "subscription_filter"] where body[field] != nil {
                guard body[field]?.members != nil else { return .bad("\(field) must be an object") }
            }
            if let resource = body["resource_id"], let problem = integer(resource, "resource_id") { return problem }
            return success(["launch_id": .integer(launchNumber)])
        case "campaigns/triggers/start_batch", "campaigns/triggers/start_batch_task":
            if let problem = integer(body["trigger_id"], "trigger_id") { return problem }
            guard case .array(let items)? = body["data"], !items.isEmpty else {
                return .bad("data must be a non-empty array of recipients")
            }
            guard items.count < 10_000 else { return .bad("data holds \(items.count) recipients; keep it under 10000") }
            guard items.allSatisfy({ $0.members != nil }) else { return .bad("each item of data must be an object") }
            if method.hasSuffix("_task") { return success(["data": ["task_id": .integer(launchNumber)]]) }
            return success(["result": .array(items.map { .string(profileID(for: $0)) })])
        case "campaigns/triggers/import_and_start", "profiles/import":
            if method.hasPrefix("campaigns"), let problem = integer(body["trigger_id"], "trigger_id") { return problem }
            guard let data = body["data"], data.members != nil else { return .bad("data must be an object") }
            return success(["profile_id": .string(profileID(for: data))])
        default:
            return Answer(code: 400, text: "Incorrect request: unknown method \(method)")
        }
    }

    private static func success(_ extra: [String: JSONValue]) -> Answer {
        Answer(
            code: 0, text: "Successful operation",
            extra: extra.sorted { $0.key < $1.key }.map { .init($0.key, $0.value) })
    }

    private static func matching(_ body: JSONValue) -> Answer? {
        let mode = body["matching"] ?? .string("email")
        switch mode.stringValue {
        case "email", "phone", "profile_id":
            let field = mode.stringValue!
            guard case .string(let value)? = body[field], !value.isEmpty else {
                return .bad("\(field) is required when matching is \(field)")
            }
            if field == "email", !value.contains("@") { return .bad("email \"\(value)\" is not an address") }
            return nil
        case "custom":
            guard case .string(let name)? = body["field_name"], !name.isEmpty else {
                return .bad("field_name is required when matching is custom")
            }
            switch body["field_value"] {
            case .string?, .number?: return nil
            default: return .bad("field_value is required when matching is custom")
            }
        default:
            return .bad("matching must be one of email, phone, profile_id, custom")
        }
    }

    private static func integerValue(_ value: JSONValue?) -> Int? {
        switch value {
        case .number(let text)?: Int(text)
        case .string(let text)?: text.allSatisfy(\.isNumber) ? Int(text) : nil
        default: nil
        }
    }

    private static func integer(_ value: JSONValue?, _ field: String) -> Answer? {
        guard value != nil else { return .bad("\(field) is required") }
        guard (integerValue(value) ?? 0) > 0 else { return .bad("\(field) must be an integer") }
        return nil
    }

    /// A stable 24-hex-digit profile id for a recipient, like the platform's.
    static func profileID(for value: JSONValue) -> String {
        String(SHA256Hex.digest(value.canonical).prefix(24))
    }
}
