import Crypto

/// Passes bytes through from another source while computing their SHA-256, so a data file is hashed in the
/// same single read that validates it.
public struct HashingBytes<Source: ByteSource>: ByteSource {
    private var source: Source
    private var hasher = SHA256()

    public init(_ source: Source) {
        self.source = source
    }

    public mutating func read() throws -> [UInt8] {
        let bytes = try source.read()
        hasher.update(data: bytes)
        return bytes
    }

    /// The hash of everything read so far, as lower-case hex.
    public var digest: String {
        SHA256Hex.hex(hasher.finalize())
    }
}
