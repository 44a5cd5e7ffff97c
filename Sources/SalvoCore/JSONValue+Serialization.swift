extension JSONValue {
    /// The compact form: no white space, keys in their order, numbers as written. This is what goes on the wire.
    public var compact: String {
        var output = ""
        write(to: &output, indent: nil, level: 0)
        return output
    }

    /// An indented form for people (two spaces a level), still in key order.
    public var pretty: String {
        var output = ""
        write(to: &output, indent: "  ", level: 0)
        return output
    }

    /// `text` as it appears inside a JSON string, without the quotes.
    static func escaped(_ text: String) -> String {
        String(JSONValue.string(text).compact.dropFirst().dropLast())
    }

    /// The canonical form: compact with object keys sorted, so two equal documents compare equal as text.
    public var canonical: String { sortedKeys.compact }

    /// This value with every object's keys sorted by their UTF-8 bytes.
    public var sortedKeys: JSONValue {
        switch self {
        case .object(let members):
            .object(
                members.map { Member($0.key, $0.value.sortedKeys) }
                    .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) })
        case .array(let elements): .array(elements.map(\.sortedKeys))
        default: self
        }
    }

    private func write(to output: inout String, indent: String?, level: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): Self.writeString(text, to: &output)
        case .array(let elements):
            writeContainer(elements, open: "[", close: "]", to: &output, indent: indent, level: level) {
                element, output in element.write(to: &output, indent: indent, level: level + 1)
            }
        case .object(let members):
            writeContainer(members, open: "{", close: "}", to: &output, indent: indent, level: level) {
                member, output in
                Self.writeString(member.key, to: &output)
                output += indent == nil ? ":" : ": "
                member.value.write(to: &output, indent: indent, level: level + 1)
            }
        }
    }

    private func writeContainer<Element>(
        _ elements: [Element], open: String, close: String, to output: inout String, indent: String?, level: Int,
        writeElement: (Element, inout String) -> Void
    ) {
        output += open
        guard !elements.isEmpty else {
            output += close
            return
        }
        let newline = indent.map { "\n" + String(repeating: $0, count: level + 1) } ?? ""
        for (position, element) in elements.enumerated() {
            if position > 0 { output += "," }
            output += newline
            writeElement(element, &output)
        }
        output += indent.map { "\n" + String(repeating: $0, count: level) } ?? ""
        output += close
    }

    private static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{00}"..."\u{1F}", "\u{2028}", "\u{2029}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
