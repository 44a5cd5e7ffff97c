/// What makes two launches "the same" for the duplicate guard and `history --recipient`: the trigger (or
/// `trigger_id`) and the recipient, read from the rendered body.
public struct LaunchIdentity: Equatable, Sendable {
    /// The trigger's id as text, when the launch names one.
    public var trigger: String?
    /// How the recipient is found: `email`, `phone`, `profile_id`, `custom`, `query` or `body`.
    public var recipientKind: String
    /// The recipient: an address, a phone, an id, `FIELD=VALUE`, or the canonical JSON of a query or body.
    public var recipient: String

    public init(trigger: String?, recipientKind: String, recipient: String) {
        self.trigger = trigger
        self.recipientKind = recipientKind
        self.recipient = recipient
    }

    /// The identity of a rendered launch body.
    public init(body: JSONValue, kind: LaunchRequest.Kind) {
        trigger = (body[kind == .trigger ? "id" : "trigger_id"] ?? body["id"]).map { $0.stringValue ?? $0.compact }
        func text(_ key: String) -> String? { body[key].map { $0.stringValue ?? $0.compact } }
        guard kind == .trigger else {
            recipientKind = "body"
            recipient = SHA256Hex.digest(body.canonical)
            return
        }
        if let query = body["custom_request"] {
            recipientKind = "query"
            recipient = query.canonical
        } else if let name = text("field_name"), let value = text("field_value") {
            recipientKind = "custom"
            recipient = "\(name)=\(value)"
        } else if let phone = text("phone") {
            recipientKind = "phone"
            recipient = phone
        } else if let profile = text("profile_id") {
            recipientKind = "profile_id"
            recipient = profile
        } else {
            recipientKind = "email"
            recipient = text("email") ?? ""
        }
    }
}
