/// Who a trigger launch goes to: one of the platform's matching modes, or a query for many profiles.
public enum Recipient: Equatable, Sendable {
    case email(String)
    case phone(String)
    case profileID(String)
    /// A custom field unique per profile, such as `CRM_ID` = `12345`; the value stays text.
    case field(name: String, value: String)
    /// `custom_request`: a database query selecting several profiles.
    case query(JSONValue)

    /// Every body key that belongs to some recipient form.
    public static let bodyKeys: Set<String> = [
        "matching", "email", "phone", "profile_id", "field_name", "field_value", "custom_request",
    ]

    /// The body members for this recipient, in the order the user guide writes them.
    public var bodyMembers: [JSONValue.Member] {
        switch self {
        case .email(let email): [.init("matching", "email"), .init("email", .string(email))]
        case .phone(let phone): [.init("matching", "phone"), .init("phone", .string(phone))]
        case .profileID(let id): [.init("matching", "profile_id"), .init("profile_id", .string(id))]
        case .field(let name, let value):
            [.init("matching", "custom"), .init("field_name", .string(name)), .init("field_value", .string(value))]
        case .query(let query): [.init("custom_request", query)]
        }
    }

    /// Parses `--field NAME=VALUE`.
    public static func field(_ text: String) throws(InputError) -> Recipient {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw InputError("--field '\(text)' needs the form NAME=VALUE, such as CRM_ID=12345")
        }
        return .field(name: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
    }
}
