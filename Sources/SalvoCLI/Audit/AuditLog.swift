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
        // Runs are shown from their `start` events (older runs: `adopt`), with their counts and state now.
        let (events, runs) = try await context.withStore { store in
            let events = try await store.auditEvents(since: from, user: user)
            var runs: [String: RunInfo] = [:]
            for event in events where event.entity == .run && (event.action == .start || event.action == .adopt) {
                do {
                    runs[event.name] = try await store.run(id: Int64(event.name.dropFirst()) ?? 0)
                } catch StoreError.notFound {
                    // Removed around salvo: shown as its event recorded it (`audit verify` names it).
                }
            }
            return (events, runs)
        }
        let all =
            events.compactMap { event in
                Self.shown(event, runs: runs).map { (at: event.at, json: $0.json, row: $0.row) }
            }
            .filter { entry in to.map { entry.at < $0 } ?? true }
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

    /// An event's line and JSON; a run's steps other than its start and resumes are left out (its line shows
    /// how it ended).
    private static func shown(_ event: AuditEvent, runs: [String: RunInfo]) -> (row: [String], json: JSONValue)? {
        guard event.entity == .run else {
            return (
                [event.at, event.by.user, event.action.rawValue, event.entity.rawValue, event.name, summary(event)],
                json(event)
            )
        }
        switch event.action {
        case .start, .adopt:
            let facts = event.after ?? [:]
            let kind = facts["kind"]?.stringValue ?? "run"
            let note = event.action == .adopt ? " [entered the trail at an upgrade]" : ""
            return (
                [event.at, event.by.user, kind, "run", event.name, launched(facts, runs[event.name]) + note],
                json(event, facts: facts, run: runs[event.name])
            )
        case .reopen:
            return ([event.at, event.by.user, "resume", "run", event.name, "resumed"], json(event))
        default:
            return nil
        }
    }

    /// A launch (send, run or replay): what it selected, where it went, how its launches ended (a run no longer
    /// in the store: as its event recorded it).
    private static func launched(_ facts: JSONValue, _ run: RunInfo?) -> String {
        let selection = facts["selection"]
        let requests =
            (selection?["requests"].flatMap { value -> [String]? in
                guard case .array(let names) = value else { return nil }
                return names.compactMap(\.stringValue)
            } ?? selection?["request"]?.stringValue.map { [$0] } ?? []).joined(separator: ", ")
        let environment = facts["environment"]?.stringValue ?? "?"
        guard let run else { return "\(requests.isEmpty ? "" : requests + " ")to \(environment): (not in the store)" }
        let counts = LaunchResult.allCases.compactMap { result in
            run.counts[result].map { "\($0) \(result.rawValue)" }
        }
        return "\(requests.isEmpty ? "" : requests + " ")to \(environment): "
            + (counts.isEmpty ? "nothing yet" : counts.joined(separator: ", ")) + " (\(run.state.rawValue))"
    }

    private static func json(_ event: AuditEvent, facts: JSONValue, run: RunInfo?) -> JSONValue {
        [
            "id": .number(String(event.id)), "at": .string(event.at), "user": .string(event.by.user),
            "host": .string(event.by.host), "action": facts["kind"] ?? "run", "entity": "run",
            "name": .string(event.name), "environment": facts["environment"] ?? .null,
            "selection": facts["selection"] ?? .null, "state": run.map { .string($0.state.rawValue) } ?? .null,
            "counts": .object(
                (run?.counts ?? [:]).sorted { $0.key.rawValue < $1.key.rawValue }.map {
                    .init($0.key.rawValue, .integer($0.value))
                }
            ),
            "hash": .string(event.hash),
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
        case .start, .finish, .reopen, .adopt: return event.action.rawValue
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
            return ["\(name): \(JSONValue.brief(one)) -> \(JSONValue.brief(two))"]
        }
    }
}
