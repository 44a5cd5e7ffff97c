import SalvoCore

/// Renders rows of text as an aligned table with a header, one space between columns. Widths are display widths
/// (`DisplayWidth`: a CJK character or an emoji takes two cells; TextTable counted characters, so it was
/// replaced); on a terminal the table fits its width, the widest columns cut with an ellipsis. Cells are laid out
/// as plain text and the header is made bold afterwards, so colour codes never count as width; control characters
/// and escapes in the data (a CSV's, a server's) are shown escaped, never sent to the terminal.
struct Table {
    let headers: [String]
    let rows: [[String]]
    /// No column is cut narrower than this to fit the terminal.
    static let narrowest = 8

    func render(console: Console) -> String {
        let cells = [headers] + rows.map { $0.map(Self.shown) }
        var widths = headers.indices.map { column in cells.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
        if let available = console.columns { Self.fit(&widths, into: available, headers: headers) }
        var lines = cells.map { row in
            let line = row.indices.map { Self.fitted(row[$0], to: widths[$0]) }.joined(separator: " ")
            return String(line.reversed().drop { $0 == " " }.reversed())
        }
        lines[0] = console.bold(lines[0])
        return lines.joined(separator: "\n")
    }

    /// Columns cut only once the others are as narrow as they go: an id, a time or a result cut reads wrong.
    static let kept: Set<String> = ["ID", "RUN", "AT", "STARTED", "KIND", "STATE", "RESULT", "HTTP", "MS"]

    /// Narrows the widest columns, a cell at a time, until the table (a space between columns) fits `available`:
    /// free-text columns first, then, if still too wide, any.
    static func fit(_ widths: inout [Int], into available: Int, headers: [String]) {
        for anyColumn in [false, true] {
            while widths.reduce(widths.count - 1, +) > available,
                let widest = widths.indices.filter({ anyColumn || !kept.contains(headers[$0]) })
                    .max(by: { widths[$0] < widths[$1] }),
                widths[widest] > narrowest
            {
                widths[widest] -= 1
            }
        }
    }

    /// `text` padded to `width` cells, or cut to it with an ellipsis.
    static func fitted(_ text: String, to cells: Int) -> String {
        var used = DisplayWidth.of(text)
        guard used > cells else { return text + String(repeating: " ", count: cells - used) }
        var cut = ""
        used = 0
        for character in text {
            let next = DisplayWidth.of(character)
            if used + next > cells - 1 { break }
            cut.append(character)
            used += next
        }
        return cut + "…" + String(repeating: " ", count: max(0, cells - 1 - used))
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
