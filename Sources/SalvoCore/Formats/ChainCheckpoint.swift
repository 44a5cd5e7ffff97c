/// The heads of the store's two hash chains at one moment, as `salvo audit checkpoint` writes them: a small
/// document to keep somewhere the store's owner cannot rewrite (a ticket, a repository, a mail).
/// `salvo audit verify --witness FILE` then fails when the chains no longer extend it: entries cut from the
/// end, or a history rewritten with hashes recomputed, which the chains alone cannot reveal.
public struct ChainCheckpoint: Equatable, Sendable {
    /// A chain's length and the hash of its last entry.
    public struct Head: Equatable, Sendable {
        public var entries: Int
        public var hash: String

        public init(entries: Int, hash: String) {
            self.entries = entries
            self.hash = hash
        }
    }

    public var at: String
    /// Where the store was, as salvo names it.
    public var store: String
    public var ledger: Head
    public var audit: Head

    public init(at: String, store: String, ledger: Head, audit: Head) {
        self.at = at
        self.store = store
        self.ledger = ledger
        self.audit = audit
    }

    /// The document's format, written in it so a later salvo can read older ones.
    public static let format = 1

    public var json: JSONValue {
        [
            "salvo_checkpoint": .integer(Self.format), "at": .string(at), "store": .string(store),
            "ledger": ["entries": .integer(ledger.entries), "head": .string(ledger.hash)],
            "audit": ["events": .integer(audit.entries), "head": .string(audit.hash)],
        ]
    }

    /// A checkpoint from its document, or an error saying what is wrong with it.
    public static func parse(_ text: String) throws(InputError) -> ChainCheckpoint {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw InputError.invalidJSON(in: "the checkpoint", error)
        }
        guard case .number(let format)? = document["salvo_checkpoint"], Int(format) == Self.format else {
            throw InputError("it is not a salvo checkpoint (no \"salvo_checkpoint\": \(Self.format))")
        }
        func head(_ key: String, count: String) throws(InputError) -> Head {
            guard case .number(let entries)? = document[key]?[count], let number = Int(entries), number >= 0,
                let hash = document[key]?["head"]?.stringValue, hash.count == 64
            else { throw InputError("its \"\(key)\" needs \"\(count)\" (a count) and \"head\" (a SHA-256)") }
            return Head(entries: number, hash: hash)
        }
        return ChainCheckpoint(
            at: document["at"]?.stringValue ?? "", store: document["store"]?.stringValue ?? "",
            ledger: try head("ledger", count: "entries"), audit: try head("audit", count: "events"))
    }
}
