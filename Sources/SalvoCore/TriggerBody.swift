/// The body of a `campaigns/triggers/start` launch: built from the command line's flags and checked against the
/// platform's documented fields (see `altcraft-api.md`).
public enum TriggerBody {
    /// What the trigger flags of `request add` and `request edit` ask to set. Nil leaves a field as it is.
    public struct Changes: Sendable {
        /// The text of `--trigger`: a positive integer or a `{{variable}}`.
        public var trigger: String?
        public var recipient: Recipient?
        public var resourceID: String?
        public var subscriptionFilter: JSONValue?
        /// `--content-json`: replaces the whole `content` object.
        public var contentObject: JSONValue?
        /// `--content KEY=VALUE`: set inside `content`, after `contentObject`.
        public var contentValues: [(key: String, value: String)] = []
        public var customData: JSONValue?
        /// `--attach`: replaces the attachments.
        public var attachments: [JSONValue]?

        public init() {}
    }

    /// `body` with `changes` applied. A new recipient replaces the old one where it stood.
    public static func applying(_ changes: Changes, to body: JSONValue) throws(InputError) -> JSONValue {
        var body = body.members == nil ? JSONValue.object([]) : body
        if let trigger = changes.trigger { body = body.setting("id", to: try triggerID(trigger)) }
        if let recipient = changes.recipient { body = replacingRecipient(in: body, with: recipient) }
        if let resource = changes.resourceID {
            body = body.setting("resource_id", to: try integerField(resource, flag: "--resource-id"))
        }
        if let filter = changes.subscriptionFilter { body = body.setting("subscription_filter", to: filter) }
        if changes.contentObject != nil || !changes.contentValues.isEmpty {
            var content = changes.contentObject ?? body["content"] ?? .object([])
            for (key, value) in changes.contentValues { content = content.setting(key, to: .string(value)) }
            body = body.setting("content", to: content)
        }
        if let data = changes.customData { body = body.setting("custom_data", to: data) }
        if let attachments = changes.attachments {
            body = attachments.isEmpty ? body.removing(["attach"]) : body.setting("attach", to: .array(attachments))
        }
        return body
    }

    /// The JSON value of a trigger id given as text: a positive integer, or a template filled at send time.
    public static func triggerID(_ text: String) throws(InputError) -> JSONValue {
        try integerField(text, flag: "--trigger", hint: " (the mailing's number, shown after # in the platform)")
    }

    /// Throws unless `body` is a launch the platform can accept, naming the field at fault.
    public static func validate(_ body: JSONValue) throws(InputError) {
        guard let id = body["id"] else {
            throw InputError(
                "a trigger request needs --trigger ID (the mailing's number, shown after # in the platform)")
        }
        try checkInteger(id, field: "id")
        let forms = recipientForms(in: body)
        guard let form = forms.first else {
            throw InputError("choose a recipient: --email, --phone, --profile-id, --field NAME=VALUE or --query JSON")
        }
        guard forms.count == 1 else {
            throw InputError(
                "the launch has \(forms.count) recipient forms (\(forms.joined(separator: ", "))); keep one of them")
        }
        let matching = body["matching"]
        if form == "custom_request" {
            guard matching == nil else {
                throw InputError(
                    "\"matching\" does not go with \"custom_request\" (a query selects the profiles); remove it")
            }
            try checkObject(body["custom_request"], field: "custom_request")
        } else {
            if let matching, matching != .string(form) {
                throw InputError(
                    "\"matching\" is \(matching.compact) but the recipient is given by \(form); set \"matching\": \"\(form)\""
                )
            }
            if matching == nil && form != "email" {
                throw InputError("\"matching\" is missing; set \"matching\": \"\(form)\"")
            }
            for field in form == "custom" ? ["field_name"] : [form] { try checkText(body[field], field: field) }
            if form == "custom" {
                switch body["field_value"] {
                case .string?, .number?: break
                case nil: throw InputError("\"field_value\" is missing; give the field as --field NAME=VALUE")
                case let other?: throw InputError("\"field_value\" must be a string or a number, not \(other.typeName)")
                }
            }
        }
        if let resource = body["resource_id"] { try checkInteger(resource, field: "resource_id") }
        for field in ["subscription_filter", "content", "custom_data"] where body[field] != nil {
            try checkObject(body[field], field: field)
        }
        if let attach = body["attach"] { try checkAttachments(attach) }
    }

    /// The recipient forms a body gives, named by their `matching` mode (or `custom_request`).
    static func recipientForms(in body: JSONValue) -> [String] {
        var forms: [String] = []
        for (key, form) in [
            ("email", "email"), ("phone", "phone"), ("profile_id", "profile_id"), ("field_name", "custom"),
            ("field_value", "custom"), ("custom_request", "custom_request"),
        ] where body[key] != nil && !forms.contains(form) {
            forms.append(form)
        }
        return forms
    }

    private static func replacingRecipient(in body: JSONValue, with recipient: Recipient) -> JSONValue {
        var members = body.members ?? []
        let position =
            members.firstIndex { Recipient.bodyKeys.contains($0.key) }
            ?? members.firstIndex { $0.key == "id" }.map { $0 + 1 } ?? members.count
        let before = members[..<position].filter { !Recipient.bodyKeys.contains($0.key) }
        let after = members[position...].filter { !Recipient.bodyKeys.contains($0.key) }
        members = before + recipient.bodyMembers + after
        return .object(members)
    }

    private static func integerField(_ text: String, flag: String, hint: String = "") throws(InputError) -> JSONValue {
        if case .variable = try? Template.segments(of: text).only { return .string(text) }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(text), value > 0 else {
            throw InputError("\(flag) '\(Name.printable(text))' is not a positive integer\(hint)")
        }
        return .number(String(value))
    }

    private static func checkInteger(_ value: JSONValue, field: String) throws(InputError) {
        switch value {
        case .number(let text) where (Int64(text) ?? 0) > 0: return
        case .string(let text) where text.allSatisfy({ $0.isASCII && $0.isNumber }) && (Int64(text) ?? 0) > 0: return
        case .string(let text):
            if case .variable = try? Template.segments(of: text).only { return }
        default: break
        }
        throw InputError(
            "\"\(field)\" must be a positive integer (at most \(Int64.max)) or a {{variable}}, not \(value.compact)")
    }

    private static func checkText(_ value: JSONValue?, field: String) throws(InputError) {
        guard case .string(let text)? = value, !text.isEmpty else {
            throw InputError("\"\(field)\" must be a non-empty string")
        }
    }

    private static func checkObject(_ value: JSONValue?, field: String) throws(InputError) {
        guard case .object? = value else {
            throw InputError("\"\(field)\" must be a JSON object, not \(value?.typeName ?? "missing")")
        }
    }

    private static func checkAttachments(_ value: JSONValue) throws(InputError) {
        guard case .array(let files) = value else {
            throw InputError("\"attach\" must be an array of {\"name\", \"data\"} objects")
        }
        for (index, file) in files.enumerated() {
            guard case .string? = file["name"], case .string? = file["data"] else {
                throw InputError("\"attach\"[\(index)] must be an object with string \"name\" and \"data\"")
            }
        }
    }
}

extension Array {
    /// The single element of a one-element array.
    var only: Element? { count == 1 ? first : nil }
}
