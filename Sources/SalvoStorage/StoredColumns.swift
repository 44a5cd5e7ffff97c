import SalvoCore

/// A stored row read column by column, whatever the backend: a value salvo never writes in a column (a NULL
/// where it always writes one, text where it writes a number) throws `StoreError.corrupt`, so a tampered row is
/// reported, never fatal. Backends provide the three readers; the records below are read the same way on all.
public protocol StoredColumns {
    func optionalText(_ column: String) throws -> String?
    func optionalInteger(_ column: String) throws -> Int64?
    func optionalReal(_ column: String) throws -> Double?
}

extension StoredColumns {
    public func text(_ column: String) throws -> String {
        guard let text = try optionalText(column) else { throw StoredRecords.wrong(column) }
        return text
    }

    public func integer(_ column: String) throws -> Int64 {
        guard let number = try optionalInteger(column) else { throw StoredRecords.wrong(column) }
        return number
    }

    public func optionalInt(_ column: String) throws -> Int? {
        try optionalInteger(column).map { number in
            guard let small = Int(exactly: number) else { throw StoredRecords.wrong(column) }
            return small
        }
    }
}

/// The ledger's and the runs' records from their stored columns (the same column names on every backend).
public enum StoredRecords {
    static func wrong(_ column: String) -> StoreError {
        .corrupt(path: "ledger", detail: "column \(column) holds a value salvo never writes there")
    }

    /// The typed ledger entry a row holds.
    public static func ledgerEntry(from row: some StoredColumns) throws -> LedgerEntry {
        let seq = try row.integer("seq")
        let at = try row.text("at")
        guard try row.text("kind") == "attempt" else {
            return .outcome(
                seq: seq, at: at, runID: try row.integer("run_id"), requestID: try row.text("request_id"),
                attemptSeq: try row.integer("attempt_seq"), try outcome(from: row))
        }
        return .attempt(seq: seq, at: at, try attempt(from: row), contentKey: try row.optionalText("content_key"))
    }

    /// The attempt in a ledger row of kind `attempt`.
    public static func attempt(from row: some StoredColumns) throws -> LaunchAttempt {
        var attempt = LaunchAttempt(
            runID: try row.integer("run_id"), requestID: try row.text("request_id"),
            tryNumber: try row.optionalInt("try") ?? 0, requestName: try row.text("request_name"),
            method: try row.text("method"), environment: try row.text("environment"),
            baseURL: try row.text("base_url"), url: try row.text("url"),
            identity: LaunchIdentity(
                trigger: try row.optionalText("trigger_id"), recipientKind: try row.text("recipient_kind"),
                recipient: try row.text("recipient")),
            dataRow: try row.optionalInt("data_row"), replayOf: try row.optionalInteger("replay_of"),
            headers: try LedgerEntry.headersFromText(try row.optionalText("request_headers")),
            body: try row.text("request_body"), tokenFingerprint: try row.text("token_fingerprint"),
            by: Operator(user: try row.text("os_user"), host: try row.text("host")),
            contentKey: try row.optionalText("content_key"))
        attempt.iteration = try row.optionalInt("iteration")
        attempt.ordinal = try row.optionalInt("ordinal")
        attempt.environmentUID = try row.optionalText("environment_uid")
        attempt.requestUID = try row.optionalText("request_uid")
        return attempt
    }

    /// The outcome in a ledger row of kind `outcome` (its columns read through `prefixed`, such as `o_`).
    public static func outcome(from row: some StoredColumns, prefix: String = "") throws -> LaunchOutcome {
        guard let result = LaunchResult(rawValue: try row.text(prefix + "result")) else {
            throw StoreError.corrupt(path: "ledger", detail: "an outcome holds a result salvo never writes")
        }
        return LaunchOutcome(
            result: result, httpStatus: try row.optionalInt(prefix + "http_status"),
            headers: try LedgerEntry.headersFromText(try row.optionalText(prefix + "response_headers")),
            body: try row.optionalText(prefix + "response_body"),
            durationMilliseconds: try row.optionalReal(prefix + "duration_ms") ?? 0,
            errorCode: try row.optionalInt(prefix + "error_code"),
            errorText: try row.optionalText(prefix + "error_text"),
            transportError: try row.optionalText(prefix + "transport_error"),
            duplicate: (try row.optionalInteger(prefix + "duplicate") ?? 0) != 0)
    }

    /// The outcome selected beside its attempt under `o_` names, nil when the attempt has none.
    public static func recordedOutcome(from row: some StoredColumns) throws -> RecordedOutcome? {
        try row.optionalInteger("o_seq").map { id in
            RecordedOutcome(id: id, at: try row.text("o_at"), outcome: try outcome(from: row, prefix: "o_"))
        }
    }

    /// The columns of an attempt's outcome `o`, prefixed `o_`, for `recordedOutcome(from:)`.
    public static let outcomeColumns = """
        o.seq AS o_seq, o.at AS o_at, o.result AS o_result, o.http_status AS o_http_status,
            o.response_headers AS o_response_headers, o.response_body AS o_response_body,
            o.duration_ms AS o_duration_ms, o.error_code AS o_error_code, o.error_text AS o_error_text,
            o.transport_error AS o_transport_error, o.duplicate AS o_duplicate
        """

    /// A runs row's facts, as the audit trail records them.
    public static func runFacts(from row: some StoredColumns) throws -> RunFacts {
        RunFacts(
            id: try row.integer("id"), kind: try row.text("kind"), startedAt: try row.text("started_at"),
            finishedAt: try row.optionalText("finished_at"), state: try row.text("state"),
            environment: try row.text("environment"), selection: try JSONParser.parse(try row.text("selection")),
            settings: try JSONParser.parse(try row.text("settings")), dataFile: try row.optionalText("data_file"),
            dataSHA256: try row.optionalText("data_sha256"),
            by: Operator(user: try row.text("os_user"), host: try row.text("host")))
    }
}
