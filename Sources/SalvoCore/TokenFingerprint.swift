import Crypto
import Foundation

/// Turns a token into a short fingerprint that identifies it without revealing it, for `env show`, the audit
/// trail and (later) the ledger. The fingerprint is a keyed HMAC-SHA-256 under the store's own random key, so a
/// fingerprint seen in an export cannot be brute-forced back to a short token without the store.
public struct TokenFingerprinter: Sendable {
    private let key: SymmetricKey

    public init(key: Data) {
        self.key = SymmetricKey(data: key)
    }

    /// `fp:` and the first 12 hex digits of the token's HMAC.
    public func fingerprint(_ token: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: key)
        return "fp:" + SHA256Hex.hex(Array(mac).prefix(6))
    }

    /// How a token source is shown to people: the stored token's fingerprint, or the variable it is read from.
    public func describe(_ source: TokenSource) -> String {
        switch source {
        case .stored(let token): fingerprint(token)
        case .variable(let name): "$\(name)"
        }
    }
}

/// SHA-256 as lower-case hex, for hash chains and file digests.
public enum SHA256Hex {
    public static func digest(_ text: String) -> String {
        var text = text
        return text.withUTF8 { hex(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
    }

    public static func digest(bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex(SHA256.hash(data: $0)) }
    }

    /// Lower-case hex of `bytes`, without `String(format:)` (this is on the ledger's hot path).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
