import TextTable

/// Renders rows of text as an aligned table with a header (TextTable's simple style). Cells are laid out as plain
/// text and the header is made bold afterwards, so colour codes never count as width; control characters and
/// escapes in the data (a CSV's, a server's) are shown escaped, never sent to the terminal.
struct Table {
    let headers: [String]
    let rows: [[String]]

    func render(console: Console) -> String {
        let columns = headers.indices
        let table = TextTable<[String]> { row in
            columns.map { index in Column(title: headers[index], value: Self.shown(row[index])) }
        }
        var lines = (table.string(for: rows, style: Style.plain) ?? "").split(
            separator: "\n", omittingEmptySubsequences: false
        ).map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        if !lines.isEmpty { lines[0] = console.bold(lines[0]) }
        return lines.joined(separator: "\n")
    }

    /// `text` with every control character (C0, DEL, C1) written as an escape: `\e` for ESC, `\t`, `\n`,
    /// `\r`, else `\u{XX}`.
    static func shown(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var shown = ""
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                shown.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\u{1B}": shown += "\\e"
            case "\t": shown += "\\t"
            case "\n": shown += "\\n"
            case "\r": shown += "\\r"
            default: shown += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            }
        }
        return shown
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
