/// The rule for names of environments, requests, folders' parts and tags.
///
/// A name is 1 to 64 characters: letters (any script), digits, `.`, `_` and `-`, starting with a letter or a
/// digit. No spaces, slashes, quotes or control characters, so a name never needs quoting in a shell or a path.
public enum Name {
    public static let maximumLength = 64

    /// Throws unless `name` follows the rule; `kind` (e.g. "environment name") starts the message.
    public static func validate(_ name: String, as kind: String) throws(InputError) {
        guard !name.isEmpty else { throw InputError("\(kind) is empty") }
        guard name.count <= maximumLength else {
            throw InputError("\(kind) '\(name.prefix(20))...' is longer than \(maximumLength) characters")
        }
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first.isASCIIDigit else {
            throw InputError("\(kind) '\(printable(name))' must start with a letter or a digit")
        }
        if let bad = name.unicodeScalars.first(where: { !isAllowed($0) }) {
            throw InputError(
                "\(kind) '\(printable(name))' contains \(describe(bad)); use letters, digits, '.', '_' and '-'")
        }
    }

    /// Throws unless `folder` is empty (the top level) or names separated by `/`, such as `onboarding/welcome`.
    public static func validateFolder(_ folder: String) throws(InputError) {
        guard !folder.isEmpty else { return }
        for part in folder.split(separator: "/", omittingEmptySubsequences: false) {
            guard !part.isEmpty else {
                throw InputError("folder '\(printable(folder))' has an empty part; write it like onboarding/welcome")
            }
            try validate(String(part), as: "folder part")
        }
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
            || "._-".unicodeScalars.contains(scalar)
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case " ": "a space"
        case "/": "a slash"
        case _ where scalar.properties.generalCategory == .control:
            "a control character (U+\(String(scalar.value, radix: 16, uppercase: true)))"
        default: "'\(scalar)'"
        }
    }

    /// `text` with control characters shown as `?`, so a message cannot move the terminal's cursor.
    public static func printable(_ text: String) -> String {
        String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }
}

extension Name {
    /// `text` made to follow the rule: each run of characters it does not allow becomes `-`, anything before
    /// the first letter or digit goes, and it is cut to the maximum length. Nil when nothing is left.
    public static func sanitized(_ text: String) -> String? {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isAllowed(scalar) {
                scalars.append(scalar)
            } else if scalars.last != "-" {
                scalars.append("-")
            }
        }
        var name = Substring(String(scalars))
        name = name.drop { !($0.unicodeScalars.first!.properties.isAlphabetic || $0.isASCII && $0.isNumber) }
        name = name.prefix(maximumLength)
        while name.last == "-" { name = name.dropLast() }
        return name.isEmpty ? nil : String(name)
    }
}
