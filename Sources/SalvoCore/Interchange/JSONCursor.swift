/// A value of an imported document with the JSON path that leads to it, so every complaint about a file names
/// the exact place (`$.item[2].request.url`) a user has to look at.
struct JSONCursor {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String = "$") {
        self.value = value
        self.path = path
    }

    /// The member `key`, or nil when this object does not have it (or holds null).
    subscript(key: String) -> JSONCursor? {
        guard let member = value[key], member != .null else { return nil }
        return JSONCursor(member, path: path + "." + key)
    }

    /// The member `key`, which must be there.
    func required(_ key: String) throws(InputError) -> JSONCursor {
        guard let member = self[key] else { throw InputError("\(path).\(key) is missing") }
        return member
    }

    func string() throws(InputError) -> String {
        guard case .string(let text) = value else { throw mistyped("a string") }
        return text
    }

    func object() throws(InputError) -> JSONCursor {
        guard case .object = value else { throw mistyped("an object") }
        return self
    }

    func array() throws(InputError) -> [JSONCursor] {
        guard case .array(let elements) = value else { throw mistyped("an array") }
        return elements.enumerated().map { JSONCursor($1, path: "\(path)[\($0)]") }
    }

    func bool() throws(InputError) -> Bool {
        guard case .bool(let flag) = value else { throw mistyped("true or false") }
        return flag
    }

    /// The error for a value of the wrong type.
    func mistyped(_ expected: String) -> InputError {
        InputError("\(path) must be \(expected), not \(value.typeName)")
    }

    /// An error about this value.
    func error(_ message: String) -> InputError {
        InputError("\(path): \(message)")
    }
}
