import Foundation
import NIOCore
import PostgresNIO
import SalvoCore
import SalvoStorage
import Synchronization

/// A run's lock on PostgreSQL: a session advisory lock held by a connection of its own, which the server drops
/// when the process dies (its connection closes) however it ends.
final class AdvisoryRunLock: RunLock {
    private let connection: PostgresConnection
    private let released = Mutex(false)

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    deinit { release() }

    /// Closes the connection, which ends the session and with it the lock. The connection stays alive until it
    /// has closed (PostgresNIO requires a connection to be closed before it goes).
    func release() {
        guard
            !released.withLock({ done in
                defer { done = true }; return done
            })
        else { return }
        let connection = connection
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }
}

extension PostgresStore {
    public func startRun(_ run: RunStart) async throws -> Int64 {
        try await transaction { connection in
            let (selection, settings) = (run.record.selection.compact, run.record.settings.compact)
            guard
                let id = try await connection.row(
                    """
                    INSERT INTO runs (kind, started_at, environment, selection, settings, data_file, data_sha256,
                        os_user, host)
                    VALUES (\(run.kind.rawValue), \(self.now), \(run.environment), \(selection)::json,
                        \(settings)::json, \(run.dataFile), \(run.dataSHA256), \(self.author.user), \(self.author.host))
                    RETURNING id
                    """)?.integer("id")
            else { throw StoreError.failed(path: self.location, detail: "the run was not recorded") }
            try await self.appendRunEvent(connection, .start, run: id)
            return id
        }
    }

    public func finishRun(_ id: Int64, state: RunState) async throws {
        try await transaction { connection in
            try await connection.run(
                "UPDATE runs SET state = \(state.rawValue), finished_at = \(self.now) WHERE id = \(id)")
            try await self.appendRunEvent(connection, .finish, run: id)
        }
    }

    public func reopenRun(_ id: Int64) async throws {
        try await transaction { connection in
            try await connection.run("UPDATE runs SET state = 'running', finished_at = NULL WHERE id = \(id)")
            try await self.appendRunEvent(connection, .reopen, run: id)
        }
    }

    func appendRunEvent(_ connection: PostgresConnection, _ action: AuditEvent.Action, run id: Int64)
        async throws
    {
        guard let row = try await connection.row("\(unescaped: Self.runSelect) WHERE id = \(id)") else {
            throw StoreError.notFound(kind: "run", name: "\(id)")
        }
        let facts = try StoredRecords.runFacts(from: row)
        try await appendAudit(connection, action, .run, name: facts.name, before: nil, after: facts.document)
    }

    /// A connection of its own, outside the pool: a session whose advisory locks live as long as it does.
    func ownConnection() async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(
                configuration: try Self.connectionConfiguration(url), id: Int.random(in: 1...Int.max),
                logger: Self.logger)
        } catch {
            throw Self.translate(error, location: location)
        }
    }

    public func lockRun(_ id: Int64) async throws -> any RunLock {
        let connection = try await ownConnection()
        let locked = try await connection.row(
            "SELECT pg_try_advisory_lock(\(PostgresSchema.lockClass), \(Int32(truncatingIfNeeded: id))) AS locked"
        )?.bool("locked")
        guard locked == true else {
            try? await connection.close()
            throw StoreError.runInUse(run: id)
        }
        return AdvisoryRunLock(connection: connection)
    }

    /// This database, for `pg_locks` (which lists every database's locks, and advisory locks are per database).
    static let database = "(SELECT oid FROM pg_database WHERE datname = current_database())"

    /// Whether some session holds run `id`'s lock now (a process is running or resuming it), or, for a shared
    /// run, the lock of one of its runners.
    private func isRunHeld(_ connection: PostgresConnection, _ id: Int64) async throws -> Bool {
        try await connection.row(
            """
            SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = \(unescaped: Self.database)
                AND classid = \(Int64(PostgresSchema.lockClass))::oid
                AND objid = \(Int64(Int32(truncatingIfNeeded: id)) & 0xFFFF_FFFF)::oid AND objsubid = 2)
                OR EXISTS (SELECT 1 FROM runners r JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.database = \(unescaped: Self.database)
                    AND l.classid = \(Int64(PostgresSchema.runnerLockClass))::oid
                    AND l.objid = (r.id & 4294967295)::oid AND l.objsubid = 2
                    WHERE r.run_id = \(id) AND r.state = 'live') AS held
            """)?.bool("held") ?? false
    }

    public func runs(limit: Int) async throws -> [RunInfo] {
        try await reading { connection in
            var runs: [RunInfo] = []
            for row in try await connection.rows(
                "\(unescaped: Self.runSelect) ORDER BY id DESC LIMIT \(Int64(limit))")
            {
                runs.append(try await self.runInfo(connection, row))
            }
            return runs
        }
    }

    public func run(id: Int64) async throws -> RunInfo {
        try await reading { connection in
            guard let row = try await connection.row("\(unescaped: Self.runSelect) WHERE id = \(id)") else {
                throw StoreError.notFound(kind: "run", name: "\(id)")
            }
            return try await self.runInfo(connection, row)
        }
    }

    public func runFacts() async throws -> [RunFacts] {
        try await reading { connection in
            try await connection.rows("\(unescaped: Self.runSelect) ORDER BY id").map(StoredRecords.runFacts(from:))
        }
    }

    @discardableResult
    public func settleInterruptedAttempts(run: Int64) async throws -> Int {
        try await transaction { connection in
            try await self.settleUnanswered(
                connection, run: run,
                LaunchOutcome(
                    result: .unknown,
                    transportError: "salvo stopped before the answer was recorded (killed or crashed); resumed later"))
        }
    }

    /// Gives every attempt of run `run` without an outcome `outcome`, in the caller's transaction; returns how
    /// many there were.
    func settleUnanswered(_ connection: PostgresConnection, run: Int64, _ outcome: LaunchOutcome) async throws -> Int {
        let orphans = try await connection.rows(
            """
            SELECT a.seq FROM ledger a
            WHERE a.run_id = \(run) AND a.kind = 'attempt'
                AND NOT EXISTS (SELECT 1 FROM ledger o WHERE o.attempt_seq = a.seq)
            ORDER BY a.seq
            """
        ).map { try $0.integer("seq") }
        var ledger = try await LedgerAppend.begin(connection, location: location)
        try await appendOutcomes(connection, &ledger, orphans.map { (attempt: $0, outcome: outcome) })
        try await ledger.finish(connection)
        return orphans.count
    }

    public func launchStates(run: Int64, ordinals: ClosedRange<Int>) async throws -> [Int: LaunchState] {
        try await reading { connection in
            let (low, high) = (Int64(ordinals.lowerBound), Int64(ordinals.upperBound))
            let rows = try await connection.rows(
                """
                SELECT \(unescaped: Self.ledgerList("a")), o.result AS outcome, o.http_status AS outcome_status,
                    (SELECT min(f.at) FROM ledger f WHERE f.request_id = a.request_id AND f.kind = 'attempt')
                        AS first_tried,
                    EXISTS (
                        SELECT 1 FROM ledger f LEFT JOIN ledger fo ON fo.attempt_seq = f.seq
                        WHERE f.request_id = a.request_id AND f.kind = 'attempt'
                            AND coalesce(fo.result, 'unknown') = 'unknown') AS may_have_left
                FROM ledger a LEFT JOIN ledger o ON o.attempt_seq = a.seq
                WHERE a.run_id = \(run) AND a.kind = 'attempt'
                    AND (a.ordinal BETWEEN \(low) AND \(high)\(unescaped: ordinals.contains(1) ? " OR a.ordinal IS NULL" : ""))
                ORDER BY a.seq
                """)
            var states: [Int: LaunchState] = [:]
            for row in rows {
                let result = try row.optionalText("outcome").flatMap(LaunchResult.init(rawValue:))
                let ordinal = try row.optionalInt("ordinal") ?? 1
                let status = try row.optionalInt("outcome_status")
                let first = try row.text("first_tried")
                let mayHaveLeft = try row.bool("may_have_left")
                switch result {
                case .ok?, .skipped?: states[ordinal] = .final
                case .rejected? where status == 429 || (500..<600).contains(status ?? 0):
                    states[ordinal] = .retryable(
                        try StoredRecords.attempt(from: row), firstTried: first, mayHaveLeft: mayHaveLeft)
                case .rejected?: states[ordinal] = .final
                default:
                    states[ordinal] = .unfinished(
                        try StoredRecords.attempt(from: row), firstTried: first, mayHaveLeft: mayHaveLeft)
                }
            }
            return states
        }
    }

    private static let runSelect = """
        SELECT id, kind, started_at, finished_at, state, environment, selection::text AS selection,
            settings::text AS settings, data_file, data_sha256, os_user, host
        FROM runs
        """

    private func runInfo(_ connection: PostgresConnection, _ row: PGRow) async throws -> RunInfo {
        let facts = try StoredRecords.runFacts(from: row)
        var counts: [LaunchResult: Int] = [:]
        for result in try await connection.rows(
            """
            SELECT coalesce(o.result, 'unknown') AS result, count(*) AS n FROM ledger a
            JOIN ledger la ON la.seq = (SELECT max(seq) FROM ledger WHERE request_id = a.request_id AND kind = 'attempt')
            LEFT JOIN ledger o ON o.attempt_seq = la.seq
            WHERE a.run_id = \(facts.id) AND a.kind = 'attempt' AND a.try = 1
            GROUP BY 1
            """)
        {
            if let kind = LaunchResult(rawValue: try result.text("result")) {
                counts[kind] = Int(try result.integer("n"))
            }
        }
        let held = facts.state == RunState.running.rawValue ? try await isRunHeld(connection, facts.id) : true
        return RunInfo(facts: facts, held: held, counts: counts)
    }
}
