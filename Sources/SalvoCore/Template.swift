/// `{{name}}` templates in the string values of a launch.
///
/// A variable name starts with a letter or `_` and goes on with letters, digits, `_`, `.` or `-`; white space
/// inside the braces is allowed (`{{ email }}`). There is no escape for a literal `{{`.
public enum Template {
    /// A piece of a template string.
    public enum Segment: Equatable, Sendable {
        case text(String)
        case variable(String)
    }

    /// Splits `text` into literal text and variables. `path` names where the text is, for the error message.
    public static func segments(of text: String, at path: String = "") throws(TemplateError) -> [Segment] {
        // Over UTF-8 offsets: `{{` and `}}` are ASCII, so every cut falls between whole characters.
        let bytes = text.utf8
        func piece(_ range: Range<Int>) -> Substring {
            Substring(bytes.dropFirst(range.lowerBound).prefix(range.count))
        }
        var segments: [Segment] = []
        var position = 0
        while let open = text.utf8Offset(of: "{{", from: position) {
            if open > position { segments.append(.text(String(piece(position..<open)))) }
            guard let close = text.utf8Offset(of: "}}", from: open + 2) else { throw .unclosed(path: path, text: text) }
            let name = piece(open + 2..<close).trimmingSpaces
            guard isVariableName(name) else { throw .invalidName(path: path, name: String(name)) }
            segments.append(.variable(String(name)))
            position = close + 2
        }
        if position < bytes.count { segments.append(.text(String(piece(position..<bytes.count)))) }
        return segments
    }

    /// Whether `name` may be used as a variable.
    public static func isVariableName<S: StringProtocol>(_ name: S) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.isASCIILetter else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCIILetter || $0.isASCIIDigit || "_.-".unicodeScalars.contains($0)
        }
    }

    /// Every variable used in the string values of `value`, each once, in order of first use.
    /// Also checks that every template is well formed.
    public static func variables(in value: JSONValue) throws(TemplateError) -> [String] {
        var names: [String] = []
        var seen = Set<String>()
        try visitStrings(in: value, path: "") { text, path throws(TemplateError) in
            for case .variable(let name) in try segments(of: text, at: path) where seen.insert(name).inserted {
                names.append(name)
            }
        }
        return names
    }

    /// `value` with every variable replaced by `lookup(name)`. Every unresolved name is reported at once.
    public static func render(_ value: JSONValue, lookup: (String) -> String?) throws(TemplateError) -> JSONValue {
        let (rendered, unresolved) = try renderPartially(value, lookup: lookup)
        guard unresolved.isEmpty else { throw .unresolved(names: unresolved) }
        return rendered
    }

    /// `value` with every variable that `lookup` knows replaced; the others stay as `{{name}}` and are listed.
    public static func renderPartially(
        _ value: JSONValue, lookup: (String) -> String?
    ) throws(TemplateError) -> (value: JSONValue, unresolved: [String]) {
        var unresolved: [String] = []
        let rendered = try render(value, path: "", lookup: lookup, unresolved: &unresolved)
        return (rendered, unresolved)
    }

    private static func render(
        _ value: JSONValue, path: String, lookup: (String) -> String?, unresolved: inout [String]
    ) throws(TemplateError) -> JSONValue {
        switch value {
        case .string(let text):
            var output = ""
            for segment in try segments(of: text, at: path) {
                switch segment {
                case .text(let literal): output += literal
                case .variable(let name):
                    if let replacement = lookup(name) {
                        output += replacement
                    } else {
                        output += "{{\(name)}}"
                        if !unresolved.contains(name) { unresolved.append(name) }
                    }
                }
            }
            return .string(output)
        case .array(let elements):
            var result: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                result.append(try render(element, path: "\(path)[\(index)]", lookup: lookup, unresolved: &unresolved))
            }
            return .array(result)
        case .object(let members):
            var result: [JSONValue.Member] = []
            for member in members {
                let rendered = try render(
                    member.value, path: JSONPath.appending(member.key, to: path), lookup: lookup,
                    unresolved: &unresolved)
                result.append(JSONValue.Member(member.key, rendered))
            }
            return .object(result)
        default:
            return value
        }
    }

    private static func visitStrings(
        in value: JSONValue, path: String, _ visit: (String, String) throws(TemplateError) -> Void
    ) throws(TemplateError) {
        switch value {
        case .string(let text): try visit(text, path)
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                try visitStrings(in: element, path: "\(path)[\(index)]", visit)
            }
        case .object(let members):
            for member in members {
                try visitStrings(in: member.value, path: JSONPath.appending(member.key, to: path), visit)
            }
        default: break
        }
    }
}

/// Why a template cannot be used.
public enum TemplateError: Error, Equatable, Sendable {
    case unclosed(path: String, text: String)
    case invalidName(path: String, name: String)
    case unresolved(names: [String])
}

/// Dotted paths such as `content.name` or `attach[0].data`, for messages that point into a JSON document.
public enum JSONPath {
    /// `path` extended by an object key.
    public static func appending(_ key: String, to path: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension StringProtocol {
    var trimmingSpaces: SubSequence {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
