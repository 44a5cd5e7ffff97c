/// The hash chain of the ledger and the audit trail: each entry's hash covers its predecessor's hash and its
/// own fields, so an edited, deleted or re-ordered entry breaks every hash after it.
public enum HashChain {
    /// The hash before the first entry of a chain.
    public static let genesis = String(repeating: "0", count: 64)

    /// SHA-256 of the previous hash, a line break, and the canonical JSON of the entry's fields.
    public static func hash(previous: String, fields: JSONValue) -> String {
        hash(previous: previous) { $0.append(contentsOf: fields.canonical.utf8) }
    }

    /// SHA-256 of the previous hash, a line break, and the canonical JSON `writeFields` appends.
    static func hash(previous: String, writeFields: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2048)
        bytes.append(contentsOf: previous.utf8)
        bytes.append(UInt8(ascii: "\n"))
        writeFields(&bytes)
        return SHA256Hex.digest(bytes: bytes)
    }
}
