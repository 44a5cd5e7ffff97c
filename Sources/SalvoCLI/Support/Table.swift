import TextTable

/// Renders rows of text as an aligned table with a header (TextTable's simple style).
struct Table {
    let headers: [String]
    let rows: [[String]]

    func render(console: Console) -> String {
        let columns = headers.indices
        let table = TextTable<[String]> { row in
            columns.map { index in Column(title: console.bold(headers[index]), value: row[index]) }
        }
        return table.string(for: rows, style: Style.plain)?.trimmingTrailingSpaces ?? ""
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.reversed().drop { $0 == " " }.reversed() }
            .map { String($0) }
            .joined(separator: "\n")
    }
}
