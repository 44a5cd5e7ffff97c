import Foundation
import SalvoCore

#if canImport(Glibc)
    import Glibc
#endif

/// `--data -`: standard input kept as a file in a `stdin-data` folder beside the store, so a run from a pipe
/// has a data file like any other (its SHA-256 recorded, a resume reading it again). It is removed once its run
/// has nothing left to resume. Its format is told by its first character: `[` a JSON array, `{` NDJSON, else CSV.
public struct StandardInputCopy: Sendable {
    public let path: String
    static let folderName = "stdin-data"

    public init(path: String) {
        self.path = path
    }

    /// Reads all of `descriptor` (standard input) into a new file in `folder`/stdin-data.
    public static func keep(from descriptor: Int32 = STDIN_FILENO, beside folder: String) throws -> StandardInputCopy {
        guard isatty(descriptor) == 0 else {
            throw InputError(
                "--data -: standard input is a terminal; pipe the data in, e.g. `salvo run NAME --data - < rows.csv`")
        }
        // Recipients' data: readable by its owner only, like the store.
        let directory = folder + "/" + folderName
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let stamp = Timestamp.string(from: Date()).filter { $0.isNumber }
        let stem = "\(directory)/run-data-\(stamp)-\(getpid())"
        let partial = stem + ".partial"
        let file = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard file >= 0, let output = fdopen(file, "w") else {
            throw InputError("--data -: cannot write \(partial): \(String(cString: strerror(errno)))")
        }
        var first: UInt8?
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var failure: String?
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                failure = "cannot read standard input: \(String(cString: strerror(errno)))"
                break
            }
            if count == 0 { break }
            if first == nil { first = Self.firstSignificant(buffer[0..<count]) }
            guard fwrite(buffer, 1, count, output) == count else {
                failure = "cannot write \(partial): \(String(cString: strerror(errno)))"
                break
            }
        }
        if fclose(output) != 0, failure == nil {
            failure = "cannot write \(partial): \(String(cString: strerror(errno)))"
        }
        guard failure == nil, let first else {
            StandardInputCopy(path: partial).remove()
            throw InputError("--data -: " + (failure ?? "standard input was empty; pipe the data in"))
        }
        let format = first == UInt8(ascii: "[") ? "json" : first == UInt8(ascii: "{") ? "ndjson" : "csv"
        let path = stem + "." + format
        guard rename(partial, path) == 0 else {
            StandardInputCopy(path: partial).remove()
            throw InputError("--data -: cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return StandardInputCopy(path: path)
    }

    /// Whether the data file `path` is such a copy.
    public static func isCopy(_ path: String) -> Bool {
        (path as NSString).deletingLastPathComponent.hasSuffix("/" + folderName)
            && (path as NSString).lastPathComponent.hasPrefix("run-data-")
    }

    /// Removes the copy (its run needs it no more), and its folder when no other copy is left in it.
    public func remove() {
        unlink(path)
        rmdir((path as NSString).deletingLastPathComponent)
    }

    /// `message` saying `--data -` where it names the copy.
    public func told(_ message: String) -> String {
        message.replacing("--data \(path)", with: "--data -").replacing(path, with: "standard input")
    }

    /// The first byte that is not white space or a UTF-8 byte order mark, in `bytes`.
    private static func firstSignificant(_ bytes: ArraySlice<UInt8>) -> UInt8? {
        bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
    }
}
