import SalvoCore

/// How requests are shown in a listing.
struct RequestView {
    let request: LaunchRequest

    static let headers = ["NAME", "FOLDER", "LAUNCHES", "RECIPIENT", "TAGS", "ENV"]

    var row: [String] {
        [
            request.name, request.folder, launches, recipient, request.tags.joined(separator: ","),
            request.environment ?? "",
        ]
    }

    /// `trigger #1` for a trigger launch, the method otherwise.
    var launches: String {
        guard request.kind == .trigger else { return request.method }
        switch request.body["id"] {
        case .number(let id)?: return "trigger #\(id)"
        case .string(let id)?: return "trigger #\(id)"
        default: return "trigger"
        }
    }

    /// A short form of who the launch goes to.
    var recipient: String {
        let body = request.body
        if body["custom_request"] != nil { return "query" }
        for key in ["email", "phone", "profile_id"] {
            if let value = body[key] { return value.stringValue ?? value.compact }
        }
        if let name = body["field_name"]?.stringValue, let value = body["field_value"] {
            return "\(name)=\(value.stringValue ?? value.compact)"
        }
        return ""
    }
}
