import ArgumentParser
import Foundation
import SalvoCore
import SalvoStorage

/// `salvo audit log [--since T] [--user U]`.
struct AuditLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show every change to environments and requests, and every launch: when, who, what.",
        discussion: """
            Changes come with their before and after; launches (each send, run and
            replay) with what they launched, where, and how they ended
            (`salvo runs show ID` and `salvo history --run ID` have the details).
            Tokens appear only as fingerprints. --since takes a date (2026-11-29),
            a time (2026-11-29T08:00:00Z) or a duration back from now (24h, 7d).
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only changes and launches at or after this time.", valueName: "time")) var since:
        String?
    @Option(help: ArgumentHelp("Only changes and launches by this OS user.", valueName: "user")) var user: String?
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let context = CommandContext(global)
        let from = try since.map { text throws(InputError) in
            Timestamp.string(from: try Timestamp.parse(text, now: Date()))
        }
        let (events, runs) = try await context.withStore { store in
            (try await store.auditEvents(since: from, user: user), try await store.runs(since: from, user: user))
        }
        let entries =
            (events.map { (at: $0.at, json: Self.json($0), row: Self.row($0)) }
            + runs.map { (at: $0.startedAt, json: Self.json($0), row: Self.row($0)) })
            .sorted { $0.at < $1.at }
        if output.json {
            context.console.out(JSONValue.array(entries.map(\.json)).pretty)
        } else if entries.isEmpty {
            context.console.note("no changes or launches recorded\(since == nil && user == nil ? "" : " that match")")
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
        [run.startedAt, run.by.user, run.kind, "run", "#\(run.id)", launched(run)]
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
            "host": .string(run.by.host), "action": .string(run.kind), "entity": "run",
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

    /// The keys whose values differ between before and after, such as `base_url, token`.
    private static func summary(_ event: AuditEvent) -> String {
        switch event.action {
        case .create: return "created"
        case .delete: return "removed"
        case .use: return "default: \(event.before?["default"]?.stringValue ?? "none") -> \(event.name)"
        case .rename: return "renamed from \(event.before?["name"]?.stringValue ?? "?")"
        case .edit:
            let before = event.before?.members ?? []
            let after = event.after?.members ?? []
            let keys = Set(before.map(\.key) + after.map(\.key)).sorted().filter { key in
                before.first { $0.key == key }?.value != after.first { $0.key == key }?.value
            }
            return keys.joined(separator: ", ")
        }
    }
}
