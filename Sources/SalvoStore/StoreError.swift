import Foundation

/// What went wrong with the store. `notFound`, `alreadyExists` and `inUse` are the user's input (exit 2);
/// the others are the store itself (exit 4).
public enum StoreError: LocalizedError, Equatable, Sendable {
    case notFound(kind: String, name: String)
    case alreadyExists(kind: String, name: String)
    case inUse(environment: String, requests: [String])
    case newerSchema(path: String, storeVersion: Int, knownVersion: Int)
    case notADatabase(path: String)
    case cannotOpen(path: String, reason: String)
    case missing(path: String)
    case readOnly(path: String)
    case locked(path: String)
    case corrupt(path: String, detail: String)
    case diskFull(path: String)
    case failed(path: String, detail: String)

    /// Whether the error is about what the user asked for rather than the store's health.
    public var isInputError: Bool {
        switch self {
        case .notFound, .alreadyExists, .inUse: true
        default: false
        }
    }

    public var errorDescription: String? {
        switch self {
        case .notFound(let kind, let name):
            let list =
                switch kind {
                case "environment": "salvo env list"
                case "request": "salvo request list"
                case "run": "salvo runs"
                default: "salvo history"
                }
            return "\(kind) '\(name)' not found; `\(list)` shows the ones you have"
        case .alreadyExists(let kind, let name):
            return "\(kind) '\(name)' already exists; choose another name or edit it"
        case .inUse(let environment, let requests):
            let shown = requests.prefix(5).joined(separator: ", ") + (requests.count > 5 ? ", ..." : "")
            return "environment '\(environment)' is the default of \(requests.count) request(s) (\(shown)); "
                + "give them another --env first, or remove it with --force to clear their default"
        case .newerSchema(let path, let storeVersion, let knownVersion):
            return "the store \(path) was written by a newer salvo (schema version \(storeVersion); "
                + "this salvo knows up to \(knownVersion)); upgrade salvo to use it"
        case .notADatabase(let path):
            return "\(path) is not a salvo store (not an SQLite database); give another path with --store"
        case .cannotOpen(let path, let reason):
            return "cannot open the store \(path): \(reason)"
        case .missing(let path):
            return "no store at \(path); check --store and SALVO_STORE, or create one there with `salvo env add` "
                + "(or `salvo import`, `salvo quickstart`)"
        case .readOnly(let path):
            return "the store \(path) is read-only; this command needs to write to it"
        case .locked(let path):
            return "the store \(path) stayed locked by another process past the timeout; try again"
        case .corrupt(let path, let detail):
            return "the store \(path) is damaged (\(detail)); `salvo store check` reports what is wrong"
        case .diskFull(let path):
            return "the disk holding the store \(path) is full; free some space and try again"
        case .failed(let path, let detail):
            return "the store \(path) failed: \(detail)"
        }
    }
}
