import Foundation

/// Input that salvo refuses: a bad name, URL, JSON, template or launch. The message says what is wrong and,
/// where it helps, how to fix it. The command line turns it into exit code 2.
public struct InputError: LocalizedError, Equatable, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var errorDescription: String? { message }
}

extension InputError {
    /// The error for invalid JSON given where `what` was expected (a flag or a file).
    public static func invalidJSON(in what: String, _ error: JSONSyntaxError) -> InputError {
        InputError("\(what) is not valid JSON: \(error)")
    }

    /// The error for a malformed template.
    public static func template(_ error: TemplateError, in what: String) -> InputError {
        switch error {
        case .unclosed(let path, let text):
            InputError("\(what)\(path.isEmpty ? "" : " at \(path)"): '{{' is not closed in \"\(text)\"; write {{name}}")
        case .invalidName(let path, let name):
            InputError(
                "\(what)\(path.isEmpty ? "" : " at \(path)"): \"\(name)\" is not a variable name "
                    + "(a letter or _ first, then letters, digits, _ . -)")
        case .unresolved(let names):
            InputError(
                "\(what): no value for \(names.map { "{{\($0)}}" }.joined(separator: ", ")); "
                    + "give it with --var NAME=VALUE or the environment's variables")
        }
    }
}
