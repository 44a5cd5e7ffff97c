-- The ledger of every launch, the runs that group launches, and two per-environment transport settings.

-- Accept a self-signed certificate (on-premise hosts), and send method URLs with a trailing slash
-- (the developer reference's form, `.../triggers/start/`).
ALTER TABLE environments ADD COLUMN insecure INTEGER NOT NULL DEFAULT 0 CHECK (insecure IN (0, 1));
ALTER TABLE environments ADD COLUMN trailing_slash INTEGER NOT NULL DEFAULT 0 CHECK (trailing_slash IN (0, 1));

-- A send, a run or a replay: what was asked for, by whom, and how it ended. Counts come from the ledger.
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('send', 'run', 'replay')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'finished', 'interrupted')),
    environment TEXT NOT NULL,
    selection TEXT NOT NULL CHECK (json_valid(selection)),
    settings TEXT NOT NULL CHECK (json_valid(settings)),
    data_file TEXT,
    data_sha256 TEXT,
    os_user TEXT NOT NULL,
    host TEXT NOT NULL
);
CREATE INDEX runs_started ON runs (started_at);

-- Two append-only kinds of entry, chained by hash in seq order:
--   attempt: committed before the bytes leave; the body and headers as sent, the token masked;
--   outcome: the answer (or the failure) of one attempt, as received.
-- An attempt without an outcome is a launch whose outcome is unknown.
CREATE TABLE ledger (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('attempt', 'outcome')),
    at TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    request_id TEXT NOT NULL,
    attempt_seq INTEGER REFERENCES ledger (seq),
    -- attempt
    try INTEGER CHECK (try >= 1),
    request_name TEXT,
    method TEXT,
    environment TEXT,
    base_url TEXT,
    url TEXT,
    trigger_id TEXT,
    recipient_kind TEXT,
    recipient TEXT,
    data_row INTEGER,
    iteration INTEGER,
    -- The launch's position in its run (from 1, over iterations, data rows and requests): a resume walks the
    -- same positions again and skips those already final.
    ordinal INTEGER,
    replay_of INTEGER REFERENCES ledger (seq),
    request_headers TEXT CHECK (request_headers IS NULL OR json_valid(request_headers)),
    request_body TEXT,
    token_fingerprint TEXT,
    os_user TEXT,
    host TEXT,
    -- outcome
    result TEXT CHECK (result IN ('ok', 'rejected', 'not-sent', 'unknown', 'skipped')),
    http_status INTEGER,
    response_headers TEXT CHECK (response_headers IS NULL OR json_valid(response_headers)),
    response_body TEXT,
    duration_ms REAL,
    error_code INTEGER,
    error_text TEXT,
    transport_error TEXT,
    duplicate INTEGER CHECK (duplicate IN (0, 1)),
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    CHECK (kind <> 'attempt' OR (attempt_seq IS NULL AND try IS NOT NULL AND request_name IS NOT NULL
        AND method IS NOT NULL AND environment IS NOT NULL AND url IS NOT NULL AND recipient IS NOT NULL
        AND request_body IS NOT NULL AND result IS NULL)),
    CHECK (kind <> 'outcome' OR (attempt_seq IS NOT NULL AND result IS NOT NULL AND try IS NULL))
);
CREATE UNIQUE INDEX ledger_outcome_of ON ledger (attempt_seq) WHERE attempt_seq IS NOT NULL;
CREATE INDEX ledger_launch ON ledger (request_id, kind, seq);
CREATE INDEX ledger_run ON ledger (run_id, ordinal, seq);
CREATE INDEX ledger_request ON ledger (request_name, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_environment ON ledger (environment, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_recipient ON ledger (recipient, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_at ON ledger (at);
CREATE INDEX ledger_guard ON ledger (environment, method, recipient, trigger_id, seq) WHERE kind = 'attempt';

CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
