/// The facts of a run that the audit trail chains: what it was, who started it where and when, what it launched
/// with which settings from which data, and how it stands. Each step of a run appends them, as they are after the
/// step, to the trail; `audit verify` compares every run with its latest event.
public struct RunFacts: Equatable, Sendable {
    public var id: Int64
    public var kind: String
    public var startedAt: String
    public var finishedAt: String?
    /// The state as stored (`running` also for a run whose process is gone).
    public var state: String
    public var environment: String
    public var selection: JSONValue
    public var settings: JSONValue
    public var dataFile: String?
    public var dataSHA256: String?
    public var by: Operator

    public init(
        id: Int64, kind: String, startedAt: String, finishedAt: String?, state: String, environment: String,
        selection: JSONValue, settings: JSONValue, dataFile: String?, dataSHA256: String?, by: Operator
    ) {
        self.id = id
        self.kind = kind
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.state = state
        self.environment = environment
        self.selection = selection
        self.settings = settings
        self.dataFile = dataFile
        self.dataSHA256 = dataSHA256
        self.by = by
    }

    /// The name of a run's events: `#ID`.
    public var name: String { "#\(id)" }

    /// The facts as an event's document, keys in the runs table's column names.
    public var document: JSONValue {
        .object([
            .init("kind", .string(kind)),
            .init("started_at", .string(startedAt)),
            .init("finished_at", finishedAt.map(JSONValue.string) ?? .null),
            .init("state", .string(state)),
            .init("environment", .string(environment)),
            .init("selection", selection),
            .init("settings", settings),
            .init("data_file", dataFile.map(JSONValue.string) ?? .null),
            .init("data_sha256", dataSHA256.map(JSONValue.string) ?? .null),
            .init("os_user", .string(by.user)),
            .init("host", .string(by.host)),
        ])
    }

    /// How the runs stored now differ from the facts their latest events record, by run and field: a run edited,
    /// added or removed around salvo.
    public static func differences(_ runs: [RunFacts], events: [AuditEvent]) -> [String] {
        var recorded: [String: JSONValue] = [:]
        for event in events where event.entity == .run { recorded[event.name] = event.after }
        var found: [String] = []
        var seen: Set<String> = []
        for run in runs {
            seen.insert(run.name)
            guard let then = recorded[run.name] else {
                found.append("run \(run.name) exists but no audit event records it (added out of band)")
                continue
            }
            let now = run.document
            guard now.canonical != then.canonical else { continue }
            let fields = (now.members ?? []).map(\.key).filter { now[$0] != then[$0] }
            let shown = fields.map {
                "\($0): \(JSONValue.brief(then[$0])) -> \(JSONValue.brief(now[$0]))"
            }
            found.append(
                "run \(run.name) differs from its latest audit event (\(shown.joined(separator: "; "))): changed out "
                    + "of band")
        }
        for name in recorded.keys.sorted(by: { $0.count != $1.count ? $0.count < $1.count : $0 < $1 })
        where !seen.contains(name) {
            found.append("run \(name) was removed without an audit event")
        }
        return found
    }
}

extension JSONValue {
    /// A value as a change shows it: a string as itself, other values as JSON, cut to 40 characters; `(none)` for
    /// null or absent.
    public static func brief(_ value: JSONValue?) -> String {
        guard let value, value != .null else { return "(none)" }
        let text = value.stringValue ?? value.compact
        return text.count > 40 ? String(text.prefix(39)) + "…" : text
    }
}
