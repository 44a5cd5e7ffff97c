/// A launch's result as scripts read it: one shape, with the same keys and meanings, in `send --json`,
/// `replay --json`, `history --json`, `history show --json` and JSON run reports.
///
/// `id` is a ledger id of the launch (`salvo history show ID` takes any of its entries); `recipient_kind` and
/// `recipient` are apart; a skipped launch says why in `skip_reason` and which launch made it skip in
/// `skipped_because_of` (the ledger keeps the reason in its transport error column); `transport_error` is what
/// went wrong on the way, only for launches not sent or unknown.
public struct LaunchJSON: Sendable {
    public var id: Int64
    public var run: Int64
    /// When the launch was first tried, where known.
    public var at: String?
    public var request: String
    public var environment: String
    public var method: String
    public var requestID: String
    public var identity: LaunchIdentity
    public var tries: Int
    public var result: LaunchResult
    /// The latest attempt's outcome; nil while it has none.
    public var outcome: LaunchOutcome?
    public var by: Operator
    /// The launch that made the guard skip this one, when known (else read from the skip's reason).
    public var skippedBecauseOf: Int64?
    /// Its place in its run (reports only, see `placed`): position, iteration and data row.
    public private(set) var position: (ordinal: Int?, iteration: Int?, row: Int?)?

    public init(
        id: Int64, run: Int64, at: String?, request: String, environment: String, method: String, requestID: String,
        identity: LaunchIdentity, tries: Int, result: LaunchResult, outcome: LaunchOutcome?, by: Operator
    ) {
        self.id = id
        self.run = run
        self.at = at
        self.request = request
        self.environment = environment
        self.method = method
        self.requestID = requestID
        self.identity = identity
        self.tries = tries
        self.result = result
        self.outcome = outcome
        self.by = by
    }

    /// The launch `attempt` (its latest try, ledger id `id`, first tried `at`) came to with `outcome`.
    public init(id: Int64, attempt: LaunchAttempt, outcome: LaunchOutcome?, at: String?) {
        self.init(
            id: id, run: attempt.runID, at: at, request: attempt.requestName, environment: attempt.environment,
            method: attempt.method, requestID: attempt.requestID, identity: attempt.identity, tries: attempt.tryNumber,
            result: outcome?.result ?? .unknown, outcome: outcome, by: attempt.by)
    }

    /// The same with its place in its run, as reports give it.
    public func placed(_ attempt: LaunchAttempt) -> LaunchJSON {
        var placed = self
        placed.position = (attempt.ordinal, attempt.iteration, attempt.dataRow)
        return placed
    }

    public var json: JSONValue {
        let skipped = result == .skipped
        let outcome = outcome
        var json: JSONValue = [
            "id": .number(String(id)), "run": .number(String(run)), "at": at.map { .string($0) } ?? .null,
            "request": .string(request), "environment": .string(environment), "method": .string(method),
            "request_id": .string(requestID), "trigger": identity.trigger.map { .string($0) } ?? .null,
            "recipient_kind": .string(identity.recipientKind), "recipient": .string(identity.recipient),
            "tries": .integer(tries), "result": .string(result.rawValue),
            "http_status": outcome?.httpStatus.map { .integer($0) } ?? .null,
            "error": outcome?.errorCode.map { .integer($0) } ?? .null,
            "error_text": outcome?.errorText.map { .string($0) } ?? .null,
            "transport_error": skipped ? .null : outcome?.transportError.map { .string($0) } ?? .null,
            "skip_reason": skipped ? outcome?.transportError.map { .string($0) } ?? .null : .null,
            "skipped_because_of": skipped
                ? (skippedBecauseOf ?? outcome?.transportError.flatMap(GuardHit.ledgerID(inReason:)))
                    .map { .number(String($0)) } ?? .null
                : .null,
            "duplicate": .bool(outcome?.duplicate ?? false),
            "duration_ms": outcome.map { .number(FixedPoint.three($0.durationMilliseconds)) } ?? .null,
            "user": .string(by.user), "host": .string(by.host),
        ]
        if let position {
            json = json.setting("ordinal", to: position.ordinal.map { .integer($0) } ?? .null)
                .setting("iteration", to: position.iteration.map { .integer($0) } ?? .null)
                .setting("row", to: position.row.map { .integer($0) } ?? .null)
        }
        return json
    }
}
