import Foundation
import SalvoCore

/// Parsing of flag values shared by several commands: `KEY=VALUE` pairs, JSON arguments and files.
enum FlagParsing {
    /// Splits `KEY=VALUE` (the value may be empty or hold more `=`).
    static func keyValue(_ text: String, flag: String) throws(InputError) -> (key: String, value: String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw InputError("\(flag) '\(text)' needs the form KEY=VALUE")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// Template variables from repeated `--var KEY=VALUE`; a later value wins.
    static func variables(_ pairs: [String], flag: String = "--var") throws(InputError) -> [String: String] {
        var variables: [String: String] = [:]
        for pair in pairs {
            let (key, value) = try keyValue(pair, flag: flag)
            guard Template.isVariableName(key) else {
                throw InputError(
                    "\(flag) '\(key)' is not a variable name (a letter or _ first, then letters, digits, _ . -)")
            }
            variables[key] = value
        }
        return variables
    }

    /// The JSON value of a flag, with the flag named in the error.
    static func json(_ text: String, flag: String) throws(InputError) -> JSONValue {
        do {
            return try JSONParser.parse(text)
        } catch {
            throw InputError.invalidJSON(in: flag, error)
        }
    }

    /// A JSON object given to a flag.
    static func jsonObject(_ text: String, flag: String) throws(InputError) -> JSONValue {
        let value = try json(text, flag: flag)
        guard value.members != nil else { throw InputError("\(flag) must be a JSON object, not \(value.typeName)") }
        return value
    }

    /// The UTF-8 text of a file, or an error naming it.
    static func readText(_ path: String, flag: String) throws(InputError) -> String {
        let data = try readData(path, flag: flag)
        guard let text = String(validating: data, as: UTF8.self) else {
            throw InputError("\(flag) \(path) is not UTF-8 text")
        }
        return text
    }

    /// The bytes of a file, or an error naming it.
    static func readData(_ path: String, flag: String) throws(InputError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError("\(flag) \(path): no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw InputError("\(flag) \(path) cannot be read (a folder, or permission denied)")
        }
        return data
    }
}
