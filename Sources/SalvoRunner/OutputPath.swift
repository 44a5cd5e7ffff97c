import Foundation
import SalvoCore

#if canImport(Glibc)
    import Glibc
#endif

/// A path salvo writes to, opened as a shell redirection opens it: `-` is standard output; anything else is
/// followed (a symlink writes to its target), created or truncated, never replaced, so a FIFO's reader gets the
/// bytes and a device stays a device.
public struct OutputPath: Sendable, Equatable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Standard output.
    public var isStandardOutput: Bool { path == "-" }

    /// Whether it is, or will be created as, a regular file (which can be written as a run goes and rewritten at
    /// its end); a FIFO, a device or standard output is written once.
    public var isRegularFile: Bool {
        guard !isStandardOutput else { return false }
        var info = stat()
        guard stat(path, &info) == 0 else { return true }
        return info.st_mode & S_IFMT == S_IFREG
    }

    /// Checks, without writing anything, that the path can be opened for writing and is none of `storeFiles`
    /// (the files that hold the store, which writing there would destroy, through a link too); the error says
    /// why not and starts with `flag` written just before the path (such as `--out ` or `--report junit=`).
    public func check(flag: String, sparing storeFiles: [String]) throws {
        guard !isStandardOutput else { return }
        guard !path.isEmpty else {
            throw InputError("\(flag.trimmingCharacters(in: .whitespaces)) needs a file path, or - for standard output")
        }
        let named = flag + path
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT != S_IFDIR else {
                throw InputError("\(named) is a folder; give a file path inside it")
            }
            for file in storeFiles {
                var held = stat()
                if stat(file, &held) == 0, held.st_dev == info.st_dev, held.st_ino == info.st_ino {
                    throw InputError(
                        "\(named) is the store's own file \(file): writing there would destroy the store; "
                            + "give another path")
                }
            }
            guard access(path, W_OK) == 0 else {
                throw InputError("\(named) cannot be written (\(String(cString: strerror(errno))))")
            }
            return
        }
        let folder =
            (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw InputError("\(named): the folder \(folder) does not exist; create it first")
        }
        guard access(folder, W_OK) == 0 else {
            throw InputError("\(named): files cannot be created in \(folder) (permission denied)")
        }
    }

    /// Opens it for writing: created (0666 less the umask) or truncated; `-` is what `standardOutput` gives.
    public func open(standardOutput: () -> OutputFile) throws -> OutputFile {
        guard !isStandardOutput else { return standardOutput() }
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw InputError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return OutputFile(descriptor: descriptor, closes: true)
    }
}

/// A file being written through a buffer; `flush` hands what is buffered to the system.
public final class OutputFile: @unchecked Sendable {
    private let descriptor: Int32
    private let closes: Bool
    /// Where the bytes go instead of a descriptor (a captured console).
    private let sink: (@Sendable ([UInt8]) -> Void)?
    private var buffer: [UInt8] = []
    /// The first write error, reported by `close`.
    private var failure: Int32 = 0

    init(descriptor: Int32, closes: Bool) {
        self.descriptor = descriptor
        self.closes = closes
        sink = nil
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Output handed to `sink` a buffer at a time.
    public init(sink: @escaping @Sendable ([UInt8]) -> Void) {
        descriptor = -1
        closes = false
        self.sink = sink
    }

    /// The process's standard output.
    public static func standardOutput() -> OutputFile { OutputFile(descriptor: STDOUT_FILENO, closes: false) }

    static let bufferSize = 65_536

    public func write(_ text: String) { write(bytes: Array(text.utf8)) }

    public func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { flush() }
    }

    /// Writes out everything buffered.
    public func flush() {
        if let sink {
            if !buffer.isEmpty { sink(buffer) }
            buffer.removeAll(keepingCapacity: true)
            return
        }
        var offset = 0
        while offset < buffer.count, failure == 0 {
            let written = buffer[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                failure = errno
            } else {
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() throws {
        flush()
        if closes { Glibc.close(descriptor) }
        if failure != 0 { throw InputError("could not write the output: \(String(cString: strerror(failure)))") }
    }
}
