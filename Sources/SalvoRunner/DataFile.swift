import Foundation
import SalvoCore

#if canImport(Glibc)
    import Glibc
#endif

/// A data file given with `--data`: CSV, a JSON array, or NDJSON, chosen by its extension, read in chunks.
public struct DataFile: Sendable {
    public enum Format: String, Sendable {
        case csv, json, ndjson
    }

    /// The absolute path.
    public let path: String
    public let format: Format

    /// The file at `path` (relative to the working folder), checked to exist and be readable.
    public init(_ path: String) throws {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": format = .csv
        case "json": format = .json
        case "ndjson", "jsonl": format = .ndjson
        default:
            throw InputError("--data \(path): use a .csv, .json (an array of objects) or .ndjson file")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw InputError("--data \(path): no such file")
        }
        guard FileManager.default.isReadableFile(atPath: absolute) else {
            throw InputError("--data \(path): permission denied")
        }
        self.path = absolute
    }

    /// A fresh reader from the start of the file, hashing as it reads.
    func open() throws -> (reader: any DataRowReader, hash: () -> String) {
        let bytes = HashingBox(HashingBytes(try FileBytes(path: path)))
        let reader: any DataRowReader
        do {
            switch format {
            case .csv: reader = try CSVReader(bytes)
            case .json: reader = JSONRowsReader(bytes, format: .array)
            case .ndjson: reader = JSONRowsReader(bytes, format: .lines)
            }
        } catch {
            throw InputError("--data \(path): \(error)")
        }
        return (reader, { bytes.digest })
    }
}

/// Reads a file in 64 KB chunks.
final class FileBytes: ByteSource {
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw InputError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        Glibc.close(descriptor)
    }

    func read() throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count >= 0 {
                chunk.removeSubrange(count...)
                return chunk
            }
            guard errno == EINTR else {
                throw InputError("cannot read the data file: \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// A reference to a hashing source, so the reader consumes it and the caller still reads its digest.
final class HashingBox<Source: ByteSource>: ByteSource {
    private var source: HashingBytes<Source>

    init(_ source: HashingBytes<Source>) {
        self.source = source
    }

    func read() throws -> [UInt8] { try source.read() }

    var digest: String { source.digest }
}
