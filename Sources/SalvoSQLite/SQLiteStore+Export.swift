import Foundation
import GRDB
import SalvoCore
import SalvoStorage

extension SQLiteStore {
    /// Calls `body` with every attempt matching `filter` (its status is the attempt's own outcome), oldest
    /// first, reading the ledger with a cursor so memory stays flat however large it is.
    public func forEachAttempt(_ filter: HistoryFilter, _ body: (RecordedAttempt) throws -> Void) throws {
        try read { db in
            var (conditions, arguments) = try filter.conditions(db)
            arguments += [filter.limit]
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT a.*, \(StoredRecords.outcomeColumns)
                    FROM ledger a LEFT JOIN ledger o ON o.attempt_seq = a.seq
                    WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.seq LIMIT ?
                    """, arguments: arguments)
            while let row = try cursor.next() {
                let exported = RecordedAttempt(
                    id: row["seq"], at: row["at"], attempt: try StoredRecords.attempt(from: StoredRow(row: row)),
                    outcome: try StoredRecords.recordedOutcome(from: StoredRow(row: row)))
                try body(exported)
            }
        }
    }
}
