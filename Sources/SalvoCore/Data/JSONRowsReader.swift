/// Streams data rows from a JSON array of objects (`rows.json`) or from one object per line (`rows.ndjson`).
/// Each element is parsed on its own, so memory holds one row at a time. Values become text: strings as they
/// are, numbers as written (`12345678901234567890` stays exact), booleans as `true`/`false`, null as empty,
/// arrays and objects as compact JSON.
public struct JSONRowsReader<Source: ByteSource>: DataRowReader {
    public enum Format: Sendable {
        case array
        case lines
    }

    /// The largest element accepted (hostile input guard).
    public static var maximumElementBytes: Int { 16 * 1024 * 1024 }

    public let columns: [String]? = nil
    private let format: Format
    private var cursor: ByteCursor<Source>
    private var line = 1
    private var rowNumber = 0
    private var started = false
    private var ended = false

    public init(_ source: Source, format: Format) {
        self.format = format
        cursor = ByteCursor(source)
    }

    public mutating func next() throws(DataFileError) -> DataRow? {
        do {
            guard let (text, start) = try format == .lines ? nextLine() : nextElement() else { return nil }
            let value: JSONValue
            do {
                value = try JSONParser.parse(text)
            } catch {
                throw DataFileError("not valid JSON: \(error.message)", line: start + error.line - 1)
            }
            guard let members = value.members else {
                throw DataFileError("each row must be a JSON object, not \(value.typeName)", line: start)
            }
            rowNumber += 1
            var fields: [String: String] = [:]
            for member in members { fields[member.key] = Self.text(of: member.value) }
            return DataRow(number: rowNumber, line: start, fields: fields)
        } catch let error as DataFileError {
            throw error
        } catch {
            throw DataFileError("cannot read: \(error)", line: line)
        }
    }

    /// The text salvo fills a template with for a JSON value.
    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null: ""
        case .array, .object: value.compact
        }
    }

    private mutating func nextLine() throws -> (String, Int)? {
        while try cursor.peek() != nil {
            let start = line
            var bytes: [UInt8] = []
            while let byte = try cursor.next(), byte != 0x0A {
                bytes.append(byte)
                guard bytes.count <= Self.maximumElementBytes else {
                    throw DataFileError("the line is larger than 16 MB", line: start)
                }
            }
            line += 1
            if bytes.last == 0x0D { bytes.removeLast() }
            if start == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            guard bytes.contains(where: { !Self.isSpace($0) }) else { continue }
            return (try Self.utf8(bytes, line: start), start)
        }
        return nil
    }

    private mutating func nextElement() throws -> (String, Int)? {
        guard !ended else { return nil }
        try skipSpace()
        if !started {
            if try cursor.peek() == 0xEF { for _ in 0..<3 { _ = try cursor.next() } }
            try skipSpace()
            guard try cursor.next() == UInt8(ascii: "[") else {
                throw DataFileError("a .json data file must be an array of objects: [{...}, {...}]", line: line)
            }
            started = true
            try skipSpace()
            if try cursor.peek() == UInt8(ascii: "]") {
                _ = try cursor.next()
                ended = true
                return nil
            }
        }
        let start = line
        var bytes: [UInt8] = []
        var depth = 0
        var inString = false
        var escaped = false
        while let byte = try cursor.peek() {
            if !inString && depth == 0 && (byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]")) { break }
            _ = try cursor.next()
            bytes.append(byte)
            guard bytes.count <= Self.maximumElementBytes else {
                throw DataFileError("a row is larger than 16 MB", line: start)
            }
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        guard let separator = try cursor.next() else {
            throw DataFileError("the array is not closed with ]", line: line)
        }
        if separator == UInt8(ascii: "]") {
            ended = true
            try skipSpace()
            guard try cursor.peek() == nil else { throw DataFileError("unexpected text after the array", line: line) }
        }
        return (try Self.utf8(bytes, line: start), start)
    }

    private mutating func skipSpace() throws {
        while let byte = try cursor.peek(), Self.isSpace(byte) {
            if byte == 0x0A { line += 1 }
            _ = try cursor.next()
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    private static func utf8(_ bytes: [UInt8], line: Int) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DataFileError("not valid UTF-8", line: line)
        }
        return text
    }
}
