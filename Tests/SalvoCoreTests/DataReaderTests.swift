import Testing

@testable import SalvoCore

@Suite("Data files: CSV, JSON arrays and NDJSON, streamed")
struct DataReaderTests {
    private func rows(_ reader: inout some DataRowReader) throws -> [DataRow] {
        var rows: [DataRow] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    @Test("CSV: BOM, CRLF, quoted commas, quotes and line breaks; values stay text; lines are counted")
    func csv() throws {
        var reader = try CSVReader(
            MemoryBytes("\u{FEFF}a,b\r\n+7,007\r\n\"x, \"\"y\"\"\",\"1\n2\"\n\n12345678901234567890,\n"))
        #expect(reader.columns == ["a", "b"])
        let all = try rows(&reader)
        #expect(
            all.map(\.fields) == [
                ["a": "+7", "b": "007"], ["a": "x, \"y\"", "b": "1\n2"], ["a": "12345678901234567890", "b": ""],
            ])
        #expect(all.map(\.line) == [2, 3, 6])
        #expect(all.map(\.number) == [1, 2, 3])
    }

    @Test(
        "CSV: malformed input names its line",
        arguments: [
            ("a,b\n1\n", "line 2: the row has 1 field(s) but the header has 2"),
            ("a,b\n1,2\n\"3,4\n", "line 3: a quoted field is not closed"),
            ("a,b\n1,x\"y\n", "line 2: a quote inside an unquoted field 2; quote the whole field"),
            ("a,b\n\"1\"x,2\n", "line 2: text after a closing quote in field 1"),
            ("a,a\n1,2\n", "line 1: the header names 'a' twice"),
            ("", "the file is empty; it needs a header row"),
        ])
    func csvErrors(text: String, message: String) {
        do {
            var reader = try CSVReader(MemoryBytes(text))
            _ = try rows(&reader)
            Issue.record("expected an error for \(text.debugDescription)")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test("CSV: invalid UTF-8 is refused, not replaced")
    func csvUTF8() {
        #expect(throws: DataFileError.self) {
            var reader = try CSVReader(MemoryBytes(bytes: Array("a\n".utf8) + [0xFF, 0x0A]))
            _ = try reader.next()
        }
    }

    @Test("JSON arrays and NDJSON: values as text, numbers exact, each row an object")
    func json() throws {
        var array = JSONRowsReader(
            MemoryBytes(#" [ {"p":"+7","n":12345678901234567890,"b":true,"z":null,"o":{"k":[1]}} , {"p":"007"} ] "#),
            format: .array)
        #expect(
            try rows(&array).map(\.fields) == [
                ["p": "+7", "n": "12345678901234567890", "b": "true", "z": "", "o": #"{"k":[1]}"#], ["p": "007"],
            ])
        var lines = JSONRowsReader(MemoryBytes("{\"a\":\"1\"}\r\n\n{\"a\":\"2\"}"), format: .lines)
        let all = try rows(&lines)
        #expect(all.map(\.fields) == [["a": "1"], ["a": "2"]])
        #expect(all.map(\.line) == [1, 3])
        var empty = JSONRowsReader(MemoryBytes("[]"), format: .array)
        #expect(try empty.next() == nil)
        for bad in ["{}", "[1]", #"[{"a":1}"#, #"[{"a":1}] x"#] {
            #expect(throws: DataFileError.self, "\(bad)") {
                var reader = JSONRowsReader(MemoryBytes(bad), format: .array)
                while try reader.next() != nil {}
            }
        }
    }

    @Test("random input (fixed seed, printed): never a crash, always rows or a DataFileError")
    func randomInput() throws {
        var generator = SplitMix64(seed: 20_261_129)
        let alphabet = Array("ab,\"\n\r 7+é".utf8) + [0xFF, 0x00]
        for _ in 0..<2_000 {
            let length = Int(generator.next() % 64)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            for reader in ["csv", "json", "ndjson"] {
                do {
                    switch reader {
                    case "csv":
                        var csv = try CSVReader(MemoryBytes(bytes: Array("a,b\n".utf8) + bytes))
                        while try csv.next() != nil {}
                    default:
                        var rows = JSONRowsReader(MemoryBytes(bytes: bytes), format: reader == "json" ? .array : .lines)
                        while try rows.next() != nil {}
                    }
                } catch {
                    // The readers throw only `DataFileError` (typed throws): a clear message, never a crash.
                    continue
                }
            }
        }
    }
}
