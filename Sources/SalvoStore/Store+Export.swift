import Foundation
import GRDB
import SalvoCore

/// One attempt with its outcome, as exports carry them.
public struct ExportedAttempt: Sendable {
    public var id: Int64
    public var at: String
    public var attempt: LaunchAttempt
    public var outcome: (id: Int64, at: String, outcome: LaunchOutcome)?
}

extension Store {
    /// Calls `body` with every attempt matching `filter` (its status is the attempt's own outcome), oldest
    /// first, reading the ledger with a cursor so memory stays flat however large it is.
    public func forEachAttempt(_ filter: HistoryFilter, _ body: (ExportedAttempt) throws -> Void) throws {
        try read { db in
            var (conditions, arguments) = try filter.conditions(db)
            arguments += [filter.limit]
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT a.*, o.seq AS o_seq, o.at AS o_at, o.result AS o_result, o.http_status AS o_http_status,
                        o.response_headers AS o_response_headers, o.response_body AS o_response_body,
                        o.duration_ms AS o_duration_ms, o.error_code AS o_error_code, o.error_text AS o_error_text,
                        o.transport_error AS o_transport_error, o.duplicate AS o_duplicate
                    FROM ledger a LEFT JOIN ledger o ON o.attempt_seq = a.seq
                    WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.seq LIMIT ?
                    """, arguments: arguments)
            while let row = try cursor.next() {
                var exported = ExportedAttempt(id: row["seq"], at: row["at"], attempt: try Self.attempt(from: row))
                if let outcomeID = row["o_seq"] as Int64? {
                    let outcome = LaunchOutcome(
                        result: LaunchResult(rawValue: row["o_result"]) ?? .unknown, httpStatus: row["o_http_status"],
                        headers: try Self.headers(row["o_response_headers"]), body: row["o_response_body"],
                        durationMilliseconds: row["o_duration_ms"] ?? 0, errorCode: row["o_error_code"],
                        errorText: row["o_error_text"], transportError: row["o_transport_error"],
                        duplicate: row["o_duplicate"] ?? false)
                    exported.outcome = (outcomeID, row["o_at"], outcome)
                }
                try body(exported)
            }
        }
    }
}
