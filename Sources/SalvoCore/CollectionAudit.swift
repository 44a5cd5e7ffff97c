/// The collection checked against its audit trail: every environment and request must be exactly the state its
/// latest audit event recorded, and nothing may exist, or be gone, without an event. What an edit made with
/// sqlite3 (a base URL pointed elsewhere, a body changed) looks like to `audit verify`.
public enum CollectionAudit {
    /// The environments and requests launches were made to (the ledger's names) that no audit event ever named:
    /// the trail lost the events that made them (it was emptied, say, with the collection).
    public static func unknownToTrail(
        ledger: (environments: Set<String>, requests: Set<String>), events: [AuditEvent]
    ) -> [String] {
        var known: [AuditEvent.Entity: Set<String>] = [:]
        for event in events {
            known[event.entity, default: []].insert(event.name)
            if let old = event.before?["name"]?.stringValue { known[event.entity, default: []].insert(old) }
        }
        let environments = ledger.environments.subtracting(known[.environment] ?? []).sorted()
        let requests = ledger.requests.subtracting(known[.request] ?? []).sorted()
        return environments.map { "collection: the ledger launched to environment '\($0)', which no audit event names" }
            + requests.map { "collection: the ledger launched request '\($0)', which no audit event names" }
    }

    /// The collection as the store holds it now, in the audit trail's document forms.
    public struct Current: Sendable {
        public var environments: [String: JSONValue]
        public var requests: [String: JSONValue]
        public var defaultEnvironment: String?

        public init(environments: [String: JSONValue], requests: [String: JSONValue], defaultEnvironment: String?) {
            self.environments = environments
            self.requests = requests
            self.defaultEnvironment = defaultEnvironment
        }
    }

    /// What differs between `current` and the state `events` (oldest first) lead to, by name and field.
    public static func differences(_ current: Current, events: [AuditEvent]) -> [String] {
        let expected = replay(events)
        var found: [String] = []
        for (kind, now, then) in [
            ("environment", current.environments, expected.environments),
            ("request", current.requests, expected.requests),
        ] {
            for name in Set(now.keys).union(then.keys).sorted() {
                switch (now[name], then[name]) {
                case (_?, nil):
                    found.append("collection: \(kind) '\(name)' exists but no audit event made it (added out of band)")
                case (nil, _?):
                    found.append("collection: \(kind) '\(name)' was removed without an audit event")
                case (let now?, let then?) where comparable(now, to: then).canonical != then.canonical:
                    let fields = changedKeys(comparable(now, to: then), then).joined(separator: ", ")
                    found.append(
                        "collection: \(kind) '\(name)' differs from its latest audit event (\(fields)): changed out "
                            + "of band")
                default:
                    break
                }
            }
        }
        if current.defaultEnvironment != expected.defaultEnvironment {
            found.append(
                "collection: the default environment is \(current.defaultEnvironment.map { "'\($0)'" } ?? "none"); "
                    + "the audit trail says \(expected.defaultEnvironment.map { "'\($0)'" } ?? "none")")
        }
        return found
    }

    /// The collection the audit trail describes: each event applied in order.
    private static func replay(_ events: [AuditEvent]) -> Current {
        var state = Current(environments: [:], requests: [:], defaultEnvironment: nil)
        for event in events {
            switch (event.entity, event.action) {
            case (.environment, .use):
                state.defaultEnvironment = event.name
            case (.environment, .rename):
                let old = event.before?["name"]?.stringValue ?? ""
                state.environments[old] = nil
                state.environments[event.name] = event.after
                if state.defaultEnvironment == old { state.defaultEnvironment = event.name }
                // Requests that default to it follow the rename without events of their own.
                for (name, request) in state.requests where request["environment"]?.stringValue == old {
                    state.requests[name] = request.setting("environment", to: .string(event.name))
                }
            case (.environment, .delete):
                state.environments[event.name] = nil
                if state.defaultEnvironment == event.name { state.defaultEnvironment = nil }
            case (.environment, _):
                state.environments[event.name] = event.after
            case (.request, .rename):
                state.requests[event.before?["name"]?.stringValue ?? ""] = nil
                state.requests[event.name] = event.after
            case (.request, .delete):
                state.requests[event.name] = nil
            case (.request, _):
                state.requests[event.name] = event.after
            case (.run, _):
                break  // runs are checked by `RunFacts.differences`
            }
        }
        return state
    }

    /// `now` without its identity when `then`, an event written before events recorded identities, has none.
    private static func comparable(_ now: JSONValue, to then: JSONValue) -> JSONValue {
        then["uid"] == nil ? now.removing(["uid"]) : now
    }

    private static func changedKeys(_ one: JSONValue, _ two: JSONValue) -> [String] {
        let keys = (one.members ?? []).map(\.key) + (two.members ?? []).map(\.key)
        var seen: Set<String> = []
        return keys.filter { key in seen.insert(key).inserted && one[key] != two[key] }
    }
}
