import Foundation
import PostgresNIO
import SalvoCore
import SalvoStorage
import Synchronization

/// Shared runs: chunks claimed with `FOR UPDATE SKIP LOCKED` under leases on the server's clock, epochs that fence
/// a runner that lost its chunk, runners' liveness by session advisory locks.
extension PostgresStore: SharedRunStore, FencedLaunchLedger {
    public func shareRun(_ run: Int64, shape: SharedRunShape, rows: (@Sendable () throws -> DataRow?)?) async throws {
        var staged = 0
        if let rows {
            // In batches of their own transactions: a file of millions of rows is not one call.
            while true {
                var numbers: [Int64] = []
                var lines: [Int64] = []
                var fields: [String] = []
                while numbers.count < Self.stagingBatch, let row = try rows() {
                    numbers.append(Int64(row.number))
                    lines.append(Int64(row.line))
                    fields.append(
                        JSONValue.object(
                            row.fields.sorted { $0.key < $1.key }.map { .init($0.key, .string($0.value)) }
                        ).compact)
                }
                if numbers.isEmpty { break }
                staged += numbers.count
                try await transaction { [numbers, lines, fields] connection in
                    try await connection.run(
                        """
                        INSERT INTO run_rows (run_id, row_no, line, fields)
                        SELECT \(run), * FROM unnest(\(numbers)::bigint[], \(lines)::bigint[], \(fields)::text[])
                        """)
                }
            }
        }
        let fingerprints = JSONValue.array(shape.fingerprints.map(JSONValue.string)).compact
        try await transaction { [staged] connection in
            try await connection.run(
                """
                INSERT INTO shared_runs (run_id, positions, chunk_size, lease_seconds, rate, fingerprints, staged, rows)
                VALUES (\(run), \(Int64(shape.positions)), \(Int32(shape.chunkSize)), \(shape.leaseSeconds),
                    \(shape.rate), \(fingerprints), \(rows != nil), \(Int64(rows != nil ? staged : shape.rows)))
                """)
            let size = Int64(shape.chunkSize)
            try await connection.run(
                """
                INSERT INTO run_chunks (run_id, chunk, first_pos, last_pos)
                SELECT \(run), g, (g - 1) * \(size) + 1, least(g * \(size), \(Int64(shape.positions)))
                FROM generate_series(1, (\(Int64(shape.positions)) + \(size) - 1) / \(size)) AS g
                """)
        }
    }

    static let stagingBatch = 5_000

    public func sharedRun(_ run: Int64) async throws -> SharedRunShape? {
        try await reading { connection in try await Self.shape(connection, run: run) }
    }

    static func shape(_ connection: PostgresConnection, run: Int64) async throws -> SharedRunShape? {
        guard
            let row = try await connection.row(
                """
                SELECT positions, chunk_size, lease_seconds, rate, fingerprints, staged, rows, stop_requested
                FROM shared_runs WHERE run_id = \(run)
                """)
        else { return nil }
        var fingerprints: [String] = []
        if case .array(let items) = try row.json("fingerprints") { fingerprints = items.compactMap(\.stringValue) }
        var shape = SharedRunShape(
            positions: Int(try row.integer("positions")), chunkSize: Int(try row.integer("chunk_size")),
            leaseSeconds: try row.optionalReal("lease_seconds") ?? 30, rate: try row.optionalReal("rate"),
            fingerprints: fingerprints, staged: try row.bool("staged"), rows: Int(try row.integer("rows")))
        shape.stopRequested = try row.bool("stop_requested")
        return shape
    }

    public func join(run: Int64, as runner: RunnerFacts) async throws -> any RunnerSession {
        guard let shape = try await sharedRun(run) else {
            throw StoreError.notFound(kind: "shared run", name: "\(run)")
        }
        let connection = try await ownConnection()
        do {
            // The row becomes visible with the lock already held: no one can take a runner just joining for dead.
            let id = try await answered {
                try await connection.withTransaction(logger: Self.logger) { connection in
                    guard
                        let id = try await connection.row(
                            """
                            INSERT INTO runners (run_id, host, pid, os_user, version, concurrency)
                            VALUES (\(run), \(runner.host), \(Int32(runner.pid)), \(runner.user), \(runner.version),
                                \(Int32(runner.concurrency)))
                            RETURNING id
                            """)?.integer("id")
                    else { throw StoreError.failed(path: self.location, detail: "the runner was not recorded") }
                    try await connection.run(
                        "SELECT pg_advisory_lock(\(PostgresSchema.runnerLockClass), \(Int32(truncatingIfNeeded: id)))")
                    return id
                }
            }
            return PostgresRunnerSession(
                id: id, run: run, lease: shape.leaseSeconds, store: self,
                lock: AdvisoryRunLock(connection: connection))
        } catch {
            try? await connection.close()
            throw Self.translate(error, location: location)
        }
    }

    public func stagedRows(run: Int64, _ rows: ClosedRange<Int>) async throws -> [DataRow] {
        try await reading { connection in
            try await connection.rows(
                """
                SELECT row_no, line, fields FROM run_rows
                WHERE run_id = \(run) AND row_no BETWEEN \(Int64(rows.lowerBound)) AND \(Int64(rows.upperBound))
                ORDER BY row_no
                """
            ).map { row in
                var fields: [String: String] = [:]
                for member in try row.json("fields").members ?? [] {
                    fields[member.key] = member.value.stringValue ?? ""
                }
                return DataRow(
                    number: Int(try row.integer("row_no")), line: Int(try row.integer("line")), fields: fields)
            }
        }
    }

    public func unanswered(run: Int64, ordinals: ClosedRange<Int>) async throws -> [Int: Date] {
        try await reading { connection in
            var found: [Int: Date] = [:]
            for row in try await connection.rows(
                """
                SELECT a.ordinal, a.at FROM ledger a
                WHERE a.run_id = \(run) AND a.kind = 'attempt'
                    AND a.ordinal BETWEEN \(Int64(ordinals.lowerBound)) AND \(Int64(ordinals.upperBound))
                    AND a.seq = (SELECT max(x.seq) FROM ledger x
                        WHERE x.run_id = \(run) AND x.kind = 'attempt' AND x.ordinal = a.ordinal)
                    AND NOT EXISTS (SELECT 1 FROM ledger o WHERE o.attempt_seq = a.seq)
                """)
            {
                if let at = try? Timestamp.parse(try row.text("at"), now: Date()) {
                    found[Int(try row.integer("ordinal"))] = at
                }
            }
            return found
        }
    }

    public func sharedProgress(run: Int64) async throws -> SharedRunProgress? {
        try await reading { connection in
            guard let shape = try await Self.shape(connection, run: run) else { return nil }
            var counts: [String: Int] = [:]
            for row in try await connection.rows(
                "SELECT state, count(*) AS n FROM run_chunks WHERE run_id = \(run) GROUP BY state")
            {
                counts[try row.text("state")] = Int(try row.integer("n"))
            }
            let runners = try await Self.runners(connection, "r.run_id = \(run)")
            return SharedRunProgress(
                shape: shape, pending: counts["pending"] ?? 0, claimed: counts["claimed"] ?? 0,
                done: counts["done"] ?? 0, runners: runners)
        }
    }

    public func requestStop(run: Int64) async throws -> Bool {
        try await transaction { connection in
            try await connection.row(
                """
                UPDATE shared_runs SET stop_requested = true
                WHERE run_id = \(run) AND (SELECT state FROM runs WHERE id = \(run)) = 'running'
                RETURNING run_id
                """) != nil
        }
    }

    public func liveRunners(run: Int64) async throws -> [SharedRunProgress.Runner] {
        try await reading { connection in
            try await Self.runners(
                connection,
                """
                r.run_id = \(run) AND r.state = 'live' AND EXISTS (
                    SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = \(Self.database)
                        AND classid = \(Int64(PostgresSchema.runnerLockClass))::oid
                        AND objid = (r.id & 4294967295)::oid AND objsubid = 2)
                """)
        }
    }

    /// The runners `condition` (over `runners r`) selects, by id.
    private static func runners(_ connection: PostgresConnection, _ condition: String) async throws
        -> [SharedRunProgress.Runner]
    {
        try await connection.rows(
            PostgresQuery(
                unsafeSQL: """
                    SELECT r.id, r.host, r.pid, r.launches,
                        CASE WHEN r.state = 'live' AND NOT EXISTS (
                                SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
                                    AND database = \(database)
                                    AND classid = \(Int64(PostgresSchema.runnerLockClass))::oid
                                    AND objid = (r.id & 4294967295)::oid AND objsubid = 2) THEN 'gone'
                            WHEN r.state = 'live' AND r.heartbeat_at < now() - make_interval(secs => (
                                SELECT lease_seconds FROM shared_runs WHERE run_id = r.run_id)) THEN 'silent'
                            ELSE r.state END AS state,
                        extract(epoch FROM now() - r.heartbeat_at)::double precision AS age,
                        extract(epoch FROM r.heartbeat_at - r.joined_at)::double precision AS seconds,
                        (SELECT count(*) FROM run_chunks c WHERE c.owner = r.id AND c.state = 'claimed') AS chunks
                    FROM runners r WHERE \(condition) ORDER BY r.id
                    """)
        ).map { row in
            SharedRunProgress.Runner(
                id: try row.integer("id"), host: try row.text("host"), pid: Int(try row.integer("pid")),
                state: try row.text("state"), heartbeatAge: try row.optionalReal("age") ?? 0,
                launches: Int(try row.integer("launches")), seconds: try row.optionalReal("seconds") ?? 0,
                chunks: Int(try row.integer("chunks")))
        }
    }

    public func endShared(_ run: Int64, state: RunState) async throws -> Bool {
        try await transaction { connection in
            guard
                try await connection.row(
                    """
                    UPDATE runs SET state = \(state.rawValue), finished_at = \(self.now)
                    WHERE id = \(run) AND state = 'running' RETURNING id
                    """) != nil
            else { return false }
            try await self.appendRunEvent(connection, .finish, run: run)
            _ = try await self.settleUnanswered(
                connection, run: run,
                LaunchOutcome(
                    result: .unknown,
                    transportError: "no answer was recorded: its runner lost the chunk (died, froze or lost the store)")
            )
            if state == .finished {
                try await connection.run("DELETE FROM run_rows WHERE run_id = \(run)")
            }
            return true
        }
    }

    public func reopenShared(_ run: Int64) async throws {
        try await transaction { connection in
            try await connection.run(
                "UPDATE run_chunks SET state = 'pending', owner = NULL, lease_until = NULL WHERE run_id = \(run)")
            try await connection.run("UPDATE shared_runs SET stop_requested = false WHERE run_id = \(run)")
        }
    }

    /// The fences of `fences` that hold now, their chunk rows locked `FOR SHARE` until the transaction ends.
    func holdFences(_ connection: PostgresConnection, _ fences: Set<ChunkFence>) async throws -> Set<ChunkFence> {
        guard let first = fences.first else { return [] }
        let rows = try await connection.rows(
            """
            SELECT chunk, epoch FROM run_chunks
            WHERE run_id = \(first.run) AND owner = \(first.runner) AND state = 'claimed' AND lease_until > now()
                AND chunk = ANY(\(fences.map { Int64($0.chunk) })::bigint[])
            ORDER BY chunk FOR SHARE
            """)
        var holding: Set<ChunkFence> = []
        for row in rows {
            holding.insert(
                ChunkFence(
                    run: first.run, chunk: Int(try row.integer("chunk")), runner: first.runner,
                    epoch: try row.integer("epoch")))
        }
        return fences.intersection(holding)
    }
}

/// A runner of a shared run on PostgreSQL: its lock held by a connection of its own, everything else on the pool.
final class PostgresRunnerSession: RunnerSession {
    let id: Int64
    private let run: Int64
    private let lease: Double
    private let store: PostgresStore
    private let lock: AdvisoryRunLock

    init(id: Int64, run: Int64, lease: Double, store: PostgresStore, lock: AdvisoryRunLock) {
        self.id = id
        self.run = run
        self.lease = lease
        self.store = store
        self.lock = lock
    }

    func claim() async throws -> ChunkClaim? {
        let (run, id, lease) = (run, id, lease)
        return try await store.transaction { connection in
            guard
                let row = try await connection.row(
                    """
                    UPDATE run_chunks c SET state = 'claimed', owner = \(id), epoch = c.epoch + 1,
                        lease_until = now() + make_interval(secs => \(lease))
                    WHERE (c.run_id, c.chunk) = (
                        SELECT run_id, chunk FROM run_chunks
                        WHERE run_id = \(run) AND (state = 'pending' OR (state = 'claimed' AND lease_until < now()))
                        ORDER BY chunk LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING c.chunk, c.first_pos, c.last_pos, c.epoch
                    """)
            else { return nil }
            return ChunkClaim(
                fence: ChunkFence(
                    run: run, chunk: Int(try row.integer("chunk")), runner: id, epoch: try row.integer("epoch")),
                positions: Int(try row.integer("first_pos"))...Int(try row.integer("last_pos")))
        }
    }

    func complete(_ claim: ChunkClaim) async throws -> Bool {
        let (run, id) = (run, id)
        let (first, last) = (Int64(claim.positions.lowerBound), Int64(claim.positions.upperBound))
        return try await store.transaction { connection in
            try await connection.row(
                """
                UPDATE run_chunks SET state = 'done', lease_until = NULL
                WHERE run_id = \(run) AND chunk = \(Int32(claim.fence.chunk)) AND owner = \(id)
                    AND epoch = \(claim.fence.epoch) AND state = 'claimed'
                    AND (SELECT count(DISTINCT a.ordinal) FROM ledger a WHERE a.run_id = \(run) AND a.kind = 'attempt'
                        AND a.ordinal BETWEEN \(first) AND \(last)) = \(last - first + 1)
                    AND NOT EXISTS (
                        SELECT 1 FROM ledger a WHERE a.run_id = \(run) AND a.kind = 'attempt'
                            AND a.ordinal BETWEEN \(first) AND \(last)
                            AND a.seq = (SELECT max(x.seq) FROM ledger x
                                WHERE x.run_id = \(run) AND x.kind = 'attempt' AND x.ordinal = a.ordinal)
                            AND NOT EXISTS (SELECT 1 FROM ledger o WHERE o.attempt_seq = a.seq))
                RETURNING chunk
                """) != nil
        }
    }

    func heartbeat(launches: Int) async throws -> Heartbeat {
        let (run, id, lease) = (run, id, lease)
        return try await store.transaction { connection in
            try await connection.run(
                "UPDATE runners SET heartbeat_at = now(), launches = \(Int64(launches)) WHERE id = \(id)")
            var held: Set<ChunkFence> = []
            for row in try await connection.rows(
                """
                UPDATE run_chunks SET lease_until = now() + make_interval(secs => \(lease))
                WHERE owner = \(id) AND state = 'claimed' AND lease_until > now()
                RETURNING chunk, epoch
                """)
            {
                held.insert(
                    ChunkFence(
                        run: run, chunk: Int(try row.integer("chunk")), runner: id, epoch: try row.integer("epoch")))
            }
            let row = try await connection.row(
                """
                SELECT (SELECT count(*) FROM runners WHERE run_id = \(run) AND state = 'live') AS live,
                    (SELECT coalesce(sum(launches), 0) FROM runners WHERE run_id = \(run))::bigint AS launches,
                    (SELECT stop_requested FROM shared_runs WHERE run_id = \(run)) AS stop
                """)
            return Heartbeat(
                held: held, liveRunners: Int(try row?.integer("live") ?? 1),
                stopRequested: try row?.bool("stop") ?? false, runLaunches: Int(try row?.integer("launches") ?? 0))
        }
    }

    func reapDead() async throws -> Int {
        let (run, id) = (run, id)
        let lockClass = PostgresSchema.runnerLockClass
        return try await store.reading { connection in
            var dead = 0
            for row in try await connection.rows(
                "SELECT id FROM runners WHERE run_id = \(run) AND state = 'live' AND id <> \(id)")
            {
                let other = try row.integer("id")
                let key = Int32(truncatingIfNeeded: other)
                guard
                    try await connection.row("SELECT pg_try_advisory_lock(\(lockClass), \(key)) AS free")?.bool("free")
                        == true
                else { continue }
                // Its process is gone (its session ended): its chunks are free now, not when their leases run out.
                try await connection.run(
                    """
                    UPDATE run_chunks SET lease_until = now() - interval '1 second'
                    WHERE owner = \(other) AND state = 'claimed'
                    """)
                try await connection.run("UPDATE runners SET state = 'dead' WHERE id = \(other) AND state = 'live'")
                try await connection.run("SELECT pg_advisory_unlock(\(lockClass), \(key))")
                dead += 1
            }
            return dead
        }
    }

    func openChunks() async throws -> Int {
        let run = run
        return try await store.reading { connection in
            Int(
                try await connection.row(
                    "SELECT count(*) AS n FROM run_chunks WHERE run_id = \(run) AND state <> 'done'")?.integer("n") ?? 0
            )
        }
    }

    func leave(launches: Int) async {
        let id = id
        _ = try? await store.transaction { connection in
            try await connection.run(
                """
                UPDATE run_chunks SET state = 'pending', owner = NULL, lease_until = NULL
                WHERE owner = \(id) AND state = 'claimed'
                """)
            try await connection.run(
                "UPDATE runners SET state = 'left', launches = \(Int64(launches)), heartbeat_at = now() WHERE id = \(id)"
            )
        }
        lock.release()
    }
}
