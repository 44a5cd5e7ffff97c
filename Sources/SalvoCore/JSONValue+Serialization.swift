extension JSONValue {
    /// The compact form: no white space, keys in their order, numbers as written. This is what goes on the wire.
    public var compact: String { text(indent: nil) }

    /// An indented form for people (two spaces a level), still in key order.
    public var pretty: String { text(indent: "  ") }

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
                    .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        case .array(let elements): .array(elements.map(\.sortedKeys))
        default: self
        }
    }

    /// Serializes into UTF-8 bytes, the fast path every form goes through (exports write millions of these).
    private func text(indent: String?) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(to: &output, indent: indent.map { Array($0.utf8) }, level: 0)
        return String(decoding: output, as: UTF8.self)
    }

    private func write(to output: inout [UInt8], indent: [UInt8]?, level: Int) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): output.append(contentsOf: text.utf8)
        case .string(let text): Self.writeString(text, to: &output)
        case .array(let elements):
            writeContainer(
                elements, open: UInt8(ascii: "["), close: UInt8(ascii: "]"), to: &output, indent: indent, level: level
            ) {
                element, output in element.write(to: &output, indent: indent, level: level + 1)
            }
        case .object(let members):
            writeContainer(
                members, open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), to: &output, indent: indent, level: level
            ) {
                member, output in
                Self.writeString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                if indent != nil { output.append(UInt8(ascii: " ")) }
                member.value.write(to: &output, indent: indent, level: level + 1)
            }
        }
    }

    private func writeContainer<Element>(
        _ elements: [Element], open: UInt8, close: UInt8, to output: inout [UInt8], indent: [UInt8]?, level: Int,
        writeElement: (Element, inout [UInt8]) -> Void
    ) {
        output.append(open)
        guard !elements.isEmpty else {
            output.append(close)
            return
        }
        func newline(_ depth: Int) {
            guard let indent else { return }
            output.append(UInt8(ascii: "\n"))
            for _ in 0..<depth { output.append(contentsOf: indent) }
        }
        for (position, element) in elements.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            newline(level + 1)
            writeElement(element, &output)
        }
        newline(level)
        output.append(close)
    }

    /// A JSON string: runs of plain bytes copied at once; `"`, `\\`, control characters, DEL and U+2028/U+2029
    /// escaped (the last two for JavaScript readers).
    static func writeString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            func flush() { output.append(contentsOf: bytes[runStart..<index]) }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
                    bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
                {
                    flush()
                    output.append(contentsOf: (bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                    index += 3
                    runStart = index
                    continue
                }
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F else {
                    index += 1
                    continue
                }
                flush()
                switch byte {
                case 0x22: output.append(contentsOf: "\\\"".utf8)
                case 0x5C: output.append(contentsOf: "\\\\".utf8)
                case 0x0A: output.append(contentsOf: "\\n".utf8)
                case 0x0D: output.append(contentsOf: "\\r".utf8)
                case 0x09: output.append(contentsOf: "\\t".utf8)
                case 0x08: output.append(contentsOf: "\\b".utf8)
                case 0x0C: output.append(contentsOf: "\\f".utf8)
                default:
                    let digits = Array("0123456789abcdef".utf8)
                    output.append(contentsOf: "\\u00".utf8)
                    output.append(digits[Int(byte >> 4)])
                    output.append(digits[Int(byte & 0x0F)])
                }
                index += 1
                runStart = index
            }
            flush()
        }
        output.append(UInt8(ascii: "\""))
    }
}
