import ArgumentParser
import Foundation
import SalvoCore
import SalvoStorage

/// `salvo audit log [--since T] [--until T] [--user U] [--limit N]`.
struct AuditLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show every change to environments and requests, and every launch: when, who, what.",
        discussion: """
            Changes come with each changed field as before -> after; launches (each
            send, run and replay) with what they launched, where, and how they
            ended (`salvo runs show ID` and `salvo history --run ID` have the
            details). Tokens appear only as fingerprints. --since and --until take
            a date (2026-11-29), a time (2026-11-29T08:00:00Z) or a duration back
            from now (24h, 7d). Oldest first; --limit keeps the newest N.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only changes and launches at or after this time.", valueName: "time")) var since:
        String?
    @Option(help: ArgumentHelp("Only changes and launches before this time.", valueName: "time")) var until: String?
    @Option(help: ArgumentHelp("Only changes and launches by this OS user.", valueName: "user")) var user: String?
    @Option(help: ArgumentHelp("Only the newest N changes and launches.", valueName: "n")) var limit: Int?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be a positive number") }
    }

    func run() async throws {
        let context = CommandContext(global)
        let now = Date()
        func time(_ text: String?) throws -> String? {
            try text.map { text throws(InputError) in Timestamp.string(from: try Timestamp.parse(text, now: now)) }
        }
        let from = try time(since)
        let to = try time(until)
        let (events, runs) = try await context.withStore { store in
            (try await store.auditEvents(since: from, user: user), try await store.runs(since: from, user: user))
        }
        let all =
            (events.map { (at: $0.at, json: Self.json($0), row: Self.row($0)) }
            + runs.map { (at: $0.startedAt, json: Self.json($0), row: Self.row($0)) })
            .filter { entry in to.map { entry.at < $0 } ?? true }
            .sorted { $0.at < $1.at }
        let entries = limit.map { Array(all.suffix($0)) } ?? all
        if output.json {
            context.console.out(JSONValue.array(entries.map(\.json)).pretty)
        } else if entries.isEmpty {
            let filtered = since != nil || until != nil || user != nil
            context.console.note("no changes or launches recorded\(filtered ? " that match" : "")")
        } else {
            let rows = entries.map(\.row)
            context.console.out(
                Table(headers: ["AT", "USER", "ACTION", "ENTITY", "NAME", "CHANGE"], rows: rows).render(
                    console: context.console))
        }
    }

    private static func row(_ event: AuditEvent) -> [String] {
        [event.at, event.by.user, event.action.rawValue, event.entity.rawValue, event.name, summary(event)]
    }

    /// A launch (send, run or replay): what it selected, where it went, how its launches ended.
    private static func row(_ run: RunInfo) -> [String] {
        [run.startedAt, run.by.user, run.kind.rawValue, "run", "#\(run.id)", launched(run)]
    }

    private static func launched(_ run: RunInfo) -> String {
        let requests =
            (run.selection["requests"].flatMap { value -> [String]? in
                guard case .array(let names) = value else { return nil }
                return names.compactMap(\.stringValue)
            } ?? run.selection["request"]?.stringValue.map { [$0] } ?? []).joined(separator: ", ")
        let counts = LaunchResult.allCases.compactMap { result in
            run.counts[result].map { "\($0) \(result.rawValue)" }
        }
        return "\(requests.isEmpty ? "" : requests + " ")to \(run.environment): "
            + (counts.isEmpty ? "nothing yet" : counts.joined(separator: ", ")) + " (\(run.state.rawValue))"
    }

    private static func json(_ run: RunInfo) -> JSONValue {
        [
            "id": .number(String(run.id)), "at": .string(run.startedAt), "user": .string(run.by.user),
            "host": .string(run.by.host), "action": .string(run.kind.rawValue), "entity": "run",
            "name": .string("#\(run.id)"), "environment": .string(run.environment), "selection": run.selection,
            "state": .string(run.state.rawValue),
            "counts": .object(
                run.counts.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                    .init($0.key.rawValue, .integer($0.value))
                }
            ),
        ]
    }

    private static func json(_ event: AuditEvent) -> JSONValue {
        [
            "id": .number(String(event.id)), "at": .string(event.at), "user": .string(event.by.user),
            "host": .string(event.by.host), "action": .string(event.action.rawValue),
            "entity": .string(event.entity.rawValue), "name": .string(event.name), "before": event.before ?? .null,
            "after": event.after ?? .null, "hash": .string(event.hash),
        ]
    }

    /// What changed: each differing field as `key: before -> after` (a token as its fingerprint, as the trail
    /// holds it).
    private static func summary(_ event: AuditEvent) -> String {
        switch event.action {
        case .create: return "created"
        case .delete: return "removed"
        case .use: return "default: \(event.before?["default"]?.stringValue ?? "none") -> \(event.name)"
        case .rename:
            // A request's edit may rename it and change more: the rest follows the rename.
            let rest = changes(from: event.before ?? [:], to: event.after ?? [:], path: "").filter {
                !$0.hasPrefix("name: ")
            }
            return (["renamed from \(event.before?["name"]?.stringValue ?? "?")"] + rest).joined(separator: "; ")
        case .edit:
            return changes(from: event.before ?? [:], to: event.after ?? [:], path: "").joined(separator: "; ")
        }
    }

    /// Each field that differs as `path: before -> after`, objects followed into (`body.email: a -> b`).
    private static func changes(from before: JSONValue, to after: JSONValue, path: String) -> [String] {
        let old = before.members ?? []
        let new = after.members ?? []
        let keys = (old.map(\.key) + new.map(\.key).filter { key in !old.contains { $0.key == key } })
        return keys.flatMap { key -> [String] in
            let one = old.first { $0.key == key }?.value
            let two = new.first { $0.key == key }?.value
            guard one != two else { return [] }
            let name = path + key
            if let one, let two, one.members != nil, two.members != nil {
                return changes(from: one, to: two, path: name + ".")
            }
            return ["\(name): \(shown(one)) -> \(shown(two))"]
        }
    }

    private static func shown(_ value: JSONValue?) -> String {
        guard let value, value != .null else { return "(none)" }
        let text = value.stringValue ?? value.compact
        return text.count > 40 ? String(text.prefix(39)) + "…" : text
    }
}
