import SalvoCore
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

    /// `text` with every control character written as an escape (see `ControlCharacters`).
    static func shown(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: ControlCharacters.isControl) else { return text }
        var shown = ""
        for scalar in text.unicodeScalars {
            if ControlCharacters.isControl(scalar) {
                shown += ControlCharacters.escaped(scalar)
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }
}
