import ArgumentParser
import Foundation
import SalvoCore

/// `salvo audit log [--since T] [--user U]`.
struct AuditLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show every change to environments and requests: when, who, what, before and after.",
        discussion: """
            Tokens appear only as fingerprints. --since takes a date (2026-11-29),
            a time (2026-11-29T08:00:00Z) or a duration back from now (24h, 7d).
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only changes at or after this time.", valueName: "time")) var since: String?
    @Option(help: ArgumentHelp("Only changes by this OS user.", valueName: "user")) var user: String?
    @OptionGroup var output: OutputOptions

    func run() throws {
        let context = CommandContext(global)
        let from = try since.map { text throws(InputError) in
            Timestamp.string(from: try Timestamp.parse(text, now: Date()))
        }
        let events = try context.withStore { store in try store.auditEvents(since: from, user: user) }
        if output.json {
            context.console.out(JSONValue.array(events.map(Self.json)).pretty)
        } else if events.isEmpty {
            context.console.note("no changes recorded\(since == nil && user == nil ? "" : " that match")")
        } else {
            let rows = events.map {
                [$0.at, $0.by.user, $0.action.rawValue, $0.entity.rawValue, $0.name, Self.summary($0)]
            }
            context.console.out(
                Table(headers: ["AT", "USER", "ACTION", "ENTITY", "NAME", "CHANGE"], rows: rows).render(
                    console: context.console))
        }
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
