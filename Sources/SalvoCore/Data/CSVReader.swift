/// A streaming RFC 4180 reader: a header row, quoted fields with commas, quotes and line breaks, CRLF or LF,
/// an optional UTF-8 byte order mark. Fields stay text exactly as written (`+7...`, `007`).
///
/// Written here rather than taken from the package mirror's CSV.swift because salvo needs what it does not
/// give: the line where a malformed or ragged row starts, byte-level streaming, and limits on hostile input.
public struct CSVReader<Source: ByteSource>: DataRowReader {
    /// The longest field accepted (hostile input guard).
    public static var maximumFieldBytes: Int { 10 * 1024 * 1024 }
    /// The most fields accepted in one row.
    public static var maximumFields: Int { 10_000 }

    public private(set) var columns: [String]?
    private var cursor: ByteCursor<Source>
    private var line = 1
    private var rowNumber = 0

    /// Reads the header row at once; throws if it is missing or malformed.
    public init(_ source: Source) throws(DataFileError) {
        cursor = ByteCursor(source)
        do {
            if try cursor.peek() == 0xEF {
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                for byte in bom {
                    guard try cursor.next() == byte else {
                        throw DataFileError("the file starts with an invalid byte", line: 1)
                    }
                }
            }
        } catch let error as DataFileError {
            throw error
        } catch {
            throw DataFileError("cannot read: \(error)")
        }
        guard let header = try readRecord() else { throw DataFileError("the file is empty; it needs a header row") }
        guard !header.fields.allSatisfy(\.isEmpty) else { throw DataFileError("the header row is empty", line: 1) }
        var seen = Set<String>()
        for name in header.fields {
            guard !name.isEmpty else { throw DataFileError("the header has an empty column name", line: 1) }
            guard seen.insert(name).inserted else { throw DataFileError("the header names '\(name)' twice", line: 1) }
        }
        columns = header.fields
    }

    public mutating func next() throws(DataFileError) -> DataRow? {
        while let record = try readRecord() {
            if record.fields == [""] { continue }
            let columns = columns ?? []
            guard record.fields.count == columns.count else {
                throw DataFileError(
                    "the row has \(record.fields.count) field(s) but the header has \(columns.count)", line: record.line
                )
            }
            rowNumber += 1
            var fields: [String: String] = [:]
            for (name, value) in zip(columns, record.fields) { fields[name] = value }
            return DataRow(number: rowNumber, line: record.line, fields: fields)
        }
        return nil
    }

    /// One record (a row of fields) and the line it starts on, or nil at the end of the input.
    private mutating func readRecord() throws(DataFileError) -> (fields: [String], line: Int)? {
        do {
            guard try cursor.peek() != nil else { return nil }
            let start = line
            var fields: [String] = []
            var field: [UInt8] = []
            var quoted = false
            var afterQuote = false
            func finishField() throws(DataFileError) {
                guard fields.count < Self.maximumFields else {
                    throw DataFileError("the row has more than \(Self.maximumFields) fields", line: start)
                }
                guard let text = String(validating: field, as: UTF8.self) else {
                    throw DataFileError("field \(fields.count + 1) is not valid UTF-8", line: start)
                }
                guard !field.contains(0) else {
                    throw DataFileError(
                        "field \(fields.count + 1) holds a NUL byte (a UTF-16 or binary file?); save the data as UTF-8 CSV",
                        line: start)
                }
                fields.append(text)
                field.removeAll(keepingCapacity: true)
                afterQuote = false
            }
            while let byte = try cursor.next() {
                if quoted {
                    if byte == UInt8(ascii: "\"") {
                        if try cursor.peek() == UInt8(ascii: "\"") {
                            _ = try cursor.next()
                            field.append(byte)
                        } else {
                            quoted = false
                            afterQuote = true
                        }
                    } else {
                        if byte == 0x0A { line += 1 }
                        field.append(byte)
                    }
                } else {
                    switch byte {
                    case UInt8(ascii: ","):
                        try finishField()
                    case 0x0A:
                        line += 1
                        try finishField()
                        return (fields, start)
                    case 0x0D where try cursor.peek() == 0x0A:
                        continue
                    case UInt8(ascii: "\"") where field.isEmpty && !afterQuote:
                        quoted = true
                    default:
                        guard !afterQuote else {
                            throw DataFileError("text after a closing quote in field \(fields.count + 1)", line: line)
                        }
                        if byte == UInt8(ascii: "\"") {
                            throw DataFileError(
                                "a quote inside an unquoted field \(fields.count + 1); quote the whole field",
                                line: line)
                        }
                        field.append(byte)
                    }
                }
                if field.count > Self.maximumFieldBytes {
                    throw DataFileError("field \(fields.count + 1) is larger than 10 MB", line: start)
                }
            }
            if quoted { throw DataFileError("a quoted field is not closed", line: start) }
            try finishField()
            return (fields, start)
        } catch let error as DataFileError {
            throw error
        } catch {
            throw DataFileError("cannot read: \(error)", line: line)
        }
    }
}
