import ArgumentParser
import Foundation
import SalvoBackends
import SalvoCore
import SalvoSQLite
import SalvoStorage

/// Completions the shells ask salvo for while a user types (the scripts of `--generate-completion-script` call
/// `salvo ---completion`): names of environments and requests, run ids, folders and tags, read from the store
/// the line names with `--store`, else the default one. A store that cannot be read completes nothing, silently;
/// so does a PostgreSQL store (completion runs while a key is held down: no network round trips).
enum NameCompletion {
    static let environments = names { store in try store.environments().map(\.name) }
    static let requests = names { store in try store.requests().map(\.name) }
    static let runs = names { store in try store.runs(limit: 200).map { String($0.id) } }
    /// Runs a resume or a join can take: not finished.
    static let openRuns = names { store in
        try store.runs(limit: 200).filter { $0.state != .finished }.map { String($0.id) }
    }
    static let tags = names { store in try store.requests().flatMap(\.tags) }
    /// Every folder and each of its parents (`--folder` takes sub-folders along).
    static let folders = names { store in
        try store.requests().flatMap { request -> [String] in
            let parts = request.folder.split(separator: "/")
            return parts.indices.map { parts[...$0].joined(separator: "/") }
        }
    }
    static let statuses = CompletionKind.list(LaunchResult.allCases.map(\.rawValue))
    static let dataFiles = CompletionKind.file(extensions: ["csv", "json", "ndjson", "jsonl"])

    /// A completion of the values `read` finds in the store, those starting with what is typed, each once.
    private static func names(_ read: @escaping @Sendable (SQLiteStore) throws -> [String]) -> CompletionKind {
        .custom { words, _, prefix in
            let environment = ProcessInfo.processInfo.environment
            guard let location = try? StoreLocation.resolve(explicit: store(in: words), environment: environment),
                !PostgresURL.isURL(location),
                let store = try? SQLiteStore.open(
                    at: location, author: Operator(user: "completion", host: ""), create: false)
            else { return [] }
            defer { store.close() }
            var seen = Set<String>()
            return ((try? read(store)) ?? []).filter { $0.hasPrefix(prefix) && seen.insert($0).inserted }
        }
    }

    /// The store a command line names: `--store PATH` or `--store=PATH`.
    static func store(in words: [String]) -> String? {
        for (index, word) in words.enumerated() {
            if word == "--store", index + 1 < words.count { return words[index + 1] }
            if word.hasPrefix("--store=") { return String(word.dropFirst("--store=".count)) }
        }
        return nil
    }
}
