/// Who made a change or a launch: the OS user and the host, as recorded in the audit trail and the ledger.
public struct Operator: Equatable, Sendable {
    public var user: String
    public var host: String

    public init(user: String, host: String) {
        self.user = user
        self.host = host
    }
}
