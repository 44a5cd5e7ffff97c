import Foundation

/// What went wrong with the store, as facts (the CLI adds what to do about it). `notFound`, `alreadyExists`, `inUse`
/// and `runInUse` are the user's input (exit 2);
/// the others are the store itself (exit 4).
public enum StoreError: LocalizedError, Equatable, Sendable {
    case notFound(kind: String, name: String)
    case alreadyExists(kind: String, name: String)
    case inUse(environment: String, requests: [String])
    /// Another process holds the run's lock: it is running or resuming it.
    case runInUse(run: Int64)
    case newerSchema(path: String, storeVersion: Int, knownVersion: Int)
    case notADatabase(path: String)
    case cannotOpen(path: String, reason: String)
    case missing(path: String)
    /// A database without salvo's schema (a PostgreSQL store not yet made with `salvo store init`), or one whose
    /// schema is older than this salvo's.
    case noSchema(path: String, upgrade: Bool)
    case readOnly(path: String)
    case locked(path: String)
    case corrupt(path: String, detail: String)
    case diskFull(path: String)
    case failed(path: String, detail: String)

    /// Whether the error is about what the user asked for rather than the store's health.
    public var isInputError: Bool {
        switch self {
        case .notFound, .alreadyExists, .inUse, .runInUse: true
        default: false
        }
    }

    public var errorDescription: String? {
        switch self {
        case .notFound(let kind, let name):
            return "\(kind) '\(name)' not found"
        case .alreadyExists(let kind, let name):
            return "\(kind) '\(name)' already exists"
        case .inUse(let environment, let requests):
            let shown = requests.prefix(5).joined(separator: ", ") + (requests.count > 5 ? ", ..." : "")
            return "environment '\(environment)' is the default of \(requests.count) request(s) (\(shown))"
        case .runInUse(let run):
            return "run \(run) is running in another salvo process"
        case .newerSchema(let path, let storeVersion, let knownVersion):
            return "the store \(path) was written by a newer salvo (schema version \(storeVersion); "
                + "this salvo knows up to \(knownVersion))"
        case .notADatabase(let path):
            return "\(path) is not a salvo store (not an SQLite database)"
        case .cannotOpen(let path, let reason):
            return "cannot open the store \(path): \(reason)"
        case .missing(let path):
            return "no store at \(path)"
        case .noSchema(let path, let upgrade):
            return upgrade
                ? "the store \(path) has an older schema than this salvo's"
                : "the database \(path) holds no salvo store"
        case .readOnly(let path):
            return "the store \(path) is read-only; this command needs to write to it"
        case .locked(let path):
            return "the store \(path) stayed locked by another process past the timeout"
        case .corrupt(let path, let detail):
            return "the store \(path) is damaged (\(detail))"
        case .diskFull(let path):
            return "the disk holding the store \(path) is full"
        case .failed(let path, let detail):
            return "the store \(path) failed: \(detail)"
        }
    }
}
