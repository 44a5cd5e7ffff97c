import Foundation
import GRDB
import SalvoCore
import SalvoStorage

extension SQLiteStore {
    /// The latest runs first.
    public func runs(limit: Int = 20) throws -> [RunInfo] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                try runInfo(db, $0)
            }
        }
    }

    /// The run with this id.
    public func run(id: Int64) throws -> RunInfo {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound(kind: "run", name: "\(id)")
            }
            return try runInfo(db, row)
        }
    }

    /// Marks a run running again, for a resume, in the audit trail too.
    public func reopenRun(_ id: Int64) throws {
        try write { db in
            try db.execute(sql: "UPDATE runs SET state = 'running', finished_at = NULL WHERE id = ?", arguments: [id])
            try appendRunEvent(db, .reopen, run: id)
        }
    }

    /// Every run's facts as stored, oldest first, for `audit verify` to compare with the trail.
    public func runFacts() throws -> [RunFacts] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map({
                try StoredRecords.runFacts(from: StoredRow(row: $0))
            })
        }
    }

    /// Appends run `id`'s facts, as they are now, to the audit trail, inside the caller's write transaction.
    func appendRunEvent(_ db: Database, _ action: AuditEvent.Action, run id: Int64) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else {
            throw StoreError.notFound(kind: "run", name: "\(id)")
        }
        let facts = try StoredRecords.runFacts(from: StoredRow(row: row))
        try appendAudit(db, action, .run, name: facts.name, before: nil, after: facts.document)
    }

    /// Closes the attempts of run `run` that a killed process left without an outcome: each gets an `unknown`
    /// outcome saying so (the platform may or may not have received it), so every attempt in the ledger ends,
    /// and a resume's next try, with the same Request-ID, settles the launch. Returns how many there were.
    @discardableResult
    public func settleInterruptedAttempts(run: Int64) throws -> Int {
        try write { db in
            let orphans = try Int64.fetchAll(
                db,
                sql: """
                    SELECT a.seq FROM ledger a
                    WHERE a.run_id = ? AND a.kind = 'attempt'
                        AND NOT EXISTS (SELECT 1 FROM ledger o WHERE o.attempt_seq = a.seq)
                    ORDER BY a.seq
                    """, arguments: [run])
            let outcome = LaunchOutcome(
                result: .unknown,
                transportError: "salvo stopped before the answer was recorded (killed or crashed); resumed later")
            for attempt in orphans { _ = try appendOutcome(db, of: attempt, outcome) }
            return orphans.count
        }
    }

    /// Where the launches at positions `ordinals` of run `run` stand; positions never attempted are absent.
    public func launchStates(run: Int64, ordinals: ClosedRange<Int>) throws -> [Int: LaunchState] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.*, o.result AS outcome, o.http_status AS outcome_status,
                        (SELECT min(f.at) FROM ledger f WHERE f.request_id = a.request_id AND f.kind = 'attempt')
                            AS first_tried,
                        EXISTS (
                            SELECT 1 FROM ledger f LEFT JOIN ledger fo ON fo.attempt_seq = f.seq
                            WHERE f.request_id = a.request_id AND f.kind = 'attempt'
                                AND coalesce(fo.result, 'unknown') = 'unknown') AS may_have_left
                    FROM ledger a LEFT JOIN ledger o ON o.attempt_seq = a.seq
                    WHERE a.run_id = ? AND a.kind = 'attempt'
                        AND (a.ordinal BETWEEN ? AND ?\(ordinals.contains(1) ? " OR a.ordinal IS NULL" : ""))
                    ORDER BY a.seq
                    """, arguments: [run, ordinals.lowerBound, ordinals.upperBound])
            var states: [Int: LaunchState] = [:]
            for row in rows {
                let result = (row["outcome"] as String?).flatMap(LaunchResult.init(rawValue:))
                // Sends recorded before launches had positions are runs of one: their launch is position 1.
                let ordinal = row["ordinal"] as Int? ?? 1
                let status = row["outcome_status"] as Int?
                switch result {
                case .ok?, .skipped?: states[ordinal] = .final
                case .rejected? where status == 429 || (500..<600).contains(status ?? 0):
                    states[ordinal] = .retryable(
                        try StoredRecords.attempt(from: StoredRow(row: row)), firstTried: row["first_tried"],
                        mayHaveLeft: row["may_have_left"])
                case .rejected?: states[ordinal] = .final
                default:
                    states[ordinal] = .unfinished(
                        try StoredRecords.attempt(from: StoredRow(row: row)), firstTried: row["first_tried"],
                        mayHaveLeft: row["may_have_left"])
                }
            }
            return states
        }
    }

    private func runInfo(_ db: Database, _ row: Row) throws -> RunInfo {
        let facts = try StoredRecords.runFacts(from: StoredRow(row: row))
        var counts: [LaunchResult: Int] = [:]
        let results = try Row.fetchAll(
            db,
            sql: """
                SELECT coalesce(o.result, 'unknown') AS result, count(*) AS n FROM ledger a
                JOIN ledger la ON la.seq = (SELECT max(seq) FROM ledger WHERE request_id = a.request_id AND kind = 'attempt')
                LEFT JOIN ledger o ON o.attempt_seq = la.seq
                WHERE a.run_id = ? AND a.kind = 'attempt' AND a.try = 1
                GROUP BY 1
                """, arguments: [facts.id])
        for result in results {
            if let kind = LaunchResult(rawValue: result["result"]) { counts[kind] = result["n"] }
        }
        let held = facts.state == RunState.running.rawValue ? isRunHeld(facts.id) : true
        return RunInfo(facts: facts, held: held, counts: counts)
    }
}
