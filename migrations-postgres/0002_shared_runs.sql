-- Shared runs: one run launched by many machines. Its positions are cut into chunks; a runner claims a chunk
-- for a lease, and records an attempt only while it still holds the chunk (the send gate), so a runner that lost
-- its chunk can never send a launch its new owner will also send.

-- A run shared by runners: how it was cut, how long a lease lasts, what it asks of every runner.
CREATE TABLE shared_runs (
    run_id bigint PRIMARY KEY REFERENCES runs (id),
    positions bigint NOT NULL,
    chunk_size integer NOT NULL CHECK (chunk_size > 0),
    lease_seconds double precision NOT NULL CHECK (lease_seconds > 0),
    rate double precision,
    -- Each target's token fingerprint, in target order: a runner whose token differs would send other requests.
    fingerprints text NOT NULL,
    -- Data rows staged into run_rows (joining machines need no copy of the file).
    staged boolean NOT NULL,
    rows bigint NOT NULL,
    stop_requested boolean NOT NULL DEFAULT false
);

-- The data file's rows, staged once: the fields of each as a JSON object.
CREATE TABLE run_rows (
    run_id bigint NOT NULL REFERENCES runs (id),
    row_no bigint NOT NULL,
    line bigint NOT NULL,
    fields text NOT NULL,
    PRIMARY KEY (run_id, row_no)
);

-- The processes launching a shared run. Each holds a session advisory lock on its own id while it lives.
CREATE TABLE runners (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id bigint NOT NULL REFERENCES runs (id),
    host text NOT NULL,
    pid integer NOT NULL,
    os_user text NOT NULL,
    version text NOT NULL,
    concurrency integer NOT NULL,
    joined_at timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    launches bigint NOT NULL DEFAULT 0,
    state text NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'left', 'dead'))
);
CREATE INDEX runners_run ON runners (run_id, state);

-- Chunks of positions first_pos..last_pos. A claim bumps the epoch; the lease is on the server's clock.
CREATE TABLE run_chunks (
    run_id bigint NOT NULL REFERENCES runs (id),
    chunk integer NOT NULL,
    first_pos bigint NOT NULL,
    last_pos bigint NOT NULL,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'done')),
    owner bigint REFERENCES runners (id),
    epoch bigint NOT NULL DEFAULT 0,
    lease_until timestamptz,
    PRIMARY KEY (run_id, chunk)
);
CREATE INDEX run_chunks_open ON run_chunks (run_id, chunk) WHERE state <> 'done';
CREATE INDEX run_chunks_owner ON run_chunks (owner) WHERE state = 'claimed';
