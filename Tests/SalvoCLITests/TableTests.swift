import SalvoRunner
import Testing

@testable import SalvoCLI

@Suite("Tables: colour is no width, data never drives the terminal")
struct TableTests {
    let headers = ["ID", "RECIPIENT", "RESULT"]
    let rows = [["1", "a@x.io", "ok"], ["22", "\u{1B}[31mred\u{1B}[0m\nline\u{7}", "rejected"]]

    @Test("a coloured table lines up exactly as a plain one: the header's bold codes count for nothing")
    func colour() {
        let plain = Table(headers: headers, rows: rows).render(console: Console(capturing: CapturedOutput()))
        let coloured = Table(headers: headers, rows: rows).render(
            console: Console(capturing: CapturedOutput(), colour: true))
        #expect(coloured.hasPrefix("\u{1B}[1mID"), "the header is bold")
        #expect(coloured.replacing(/\x{1B}\[[0-9;]*m/, with: "") == plain)
        let lines = plain.split(separator: "\n").map(Array.init)
        #expect(lines.count == 3)
        // The last column starts at the same character on every line.
        let column = try? #require(String(lines[0]).firstRange(of: "RESULT")).lowerBound.utf16Offset(
            in: String(lines[0]))
        #expect(String(lines[1].dropFirst(column ?? 0)) == "ok", "\(plain)")
        #expect(String(lines[2].dropFirst(column ?? 0)) == "rejected", "\(plain)")
        #expect(lines.allSatisfy { $0.last != " " }, "no trailing spaces")
        #expect(!plain.hasSuffix("\n"), "no trailing blank line")
    }

    @Test("escapes and control characters in data are shown escaped, never written to the terminal")
    func controlCharacters() {
        let plain = Table(headers: headers, rows: rows).render(console: Console(capturing: CapturedOutput()))
        #expect(!plain.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(plain.contains(#"\e[31mred\e[0m\nline\u{7}"#), "\(plain)")
        #expect(Table.shown("plain text, ünïcödé 日本") == "plain text, ünïcödé 日本")
    }
}

@Suite("Tables: display widths and the terminal's width")
struct TableWidthTests {
    @Test("CJK and emoji take two cells, a combining mark none: columns line up on screen")
    func wideCharacters() {
        let table = Table(
            headers: ["NAME", "NOTE"], rows: [["日本語", "a"], ["e\u{301}cole", "b"], ["🎉x", "c"], ["plain", "d"]])
        let lines = table.render(console: Console(capturing: CapturedOutput())).split(separator: "\n").map(String.init)
        let last = ["NOTE", "a", "b", "c", "d"]
        let columns = zip(lines, last).map { DisplayWidth.of($0) - DisplayWidth.of($1) }
        #expect(Set(columns).count == 1, "NOTE starts at the same cell on every line: \(lines)")
        #expect(DisplayWidth.of("日本語") == 6 && DisplayWidth.of("e\u{301}cole") == 5 && DisplayWidth.of("🎉") == 2)
    }

    @Test("on a narrow terminal the widest column is cut with an ellipsis; piped, nothing is cut")
    func fitsTheTerminal() {
        let table = Table(
            headers: ["ID", "RECIPIENT", "DETAIL"],
            rows: [["1", "someone.with.a.long.address@example.com", String(repeating: "long detail ", count: 8)]])
        let narrow = table.render(console: Console(capturing: CapturedOutput(), columns: 60))
        #expect(narrow.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= 60 }, "\(narrow)")
        #expect(narrow.contains("…") && narrow.contains("someone.with"), "\(narrow)")
        let history = Table(
            headers: ["ID", "AT", "RECIPIENT"],
            rows: [["1", "2026-12-03T16:43:58.854Z", "someone.with.a.long.address@example.com"]])
        let cut = history.render(console: Console(capturing: CapturedOutput(), columns: 50))
        #expect(cut.contains("2026-12-03T16:43:58.854Z") && cut.contains("…"), "a time is kept whole: \(cut)")
        let piped = table.render(console: Console(capturing: CapturedOutput()))
        #expect(!piped.contains("…") && piped.contains("long detail long detail"))
    }
}

@Suite("The progress line on a narrow terminal")
struct ProgressLineTests {
    @Test("a line wider than the terminal is cut to stay on one row, so it redraws in place")
    func narrow() {
        let progress = RunProgress(counts: [.ok: 1_234], launches: 1_234, total: 100_000, seconds: 2)
        let line = ProgressLine.line(progress)
        #expect(line.count > 40 && line.contains("ETA"))
        let cut = ProgressLine.cut(line, to: 40)
        #expect(cut.count == 39 && cut.hasSuffix("…") && cut.hasPrefix("1234/100000"))
        #expect(ProgressLine.cut("short", to: 40) == "short" && ProgressLine.cut(line, to: nil) == line)
    }
}
