/// One row of a data file: its number (from 1) and its fields, every value text exactly as written.
public struct DataRow: Sendable, Equatable {
    public var number: Int
    /// The line where the row starts (CSV, NDJSON) or the element's index (JSON array).
    public var line: Int
    public var fields: [String: String]

    public init(number: Int, line: Int, fields: [String: String]) {
        self.number = number
        self.line = line
        self.fields = fields
    }
}

/// A stream of data rows read as they are needed, so memory does not grow with the file.
public protocol DataRowReader {
    /// The column names, when the format declares them up front (a CSV header); nil for JSON.
    var columns: [String]? { get }
    /// The next row, nil at the end; throws `DataFileError` naming the line of a malformed row.
    mutating func next() throws -> DataRow?
}

/// Why a data file cannot be used.
public struct DataFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var line: Int?

    public init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}

/// Pulls bytes from a source (a file, or memory in tests) in chunks.
public protocol ByteSource {
    /// Up to a chunk of bytes; empty at the end.
    mutating func read() throws -> [UInt8]
}

/// Bytes held in memory.
public struct MemoryBytes: ByteSource {
    private var bytes: [UInt8]?

    public init(_ text: String) { bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read() throws -> [UInt8] {
        defer { bytes = nil }
        return bytes ?? []
    }
}

/// A byte-at-a-time view over a `ByteSource`, refilling from it as it goes.
struct ByteCursor<Source: ByteSource> {
    private var source: Source
    private var buffer: [UInt8] = []
    private var index = 0
    private var finished = false

    init(_ source: Source) {
        self.source = source
    }

    mutating func peek() throws -> UInt8? {
        if index < buffer.count { return buffer[index] }
        guard !finished else { return nil }
        buffer = try source.read()
        index = 0
        if buffer.isEmpty {
            finished = true
            return nil
        }
        return buffer[0]
    }

    mutating func next() throws -> UInt8? {
        guard let byte = try peek() else { return nil }
        index += 1
        return byte
    }
}
