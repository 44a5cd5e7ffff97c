CREATE INDEX audit_events_at ON audit_events (at);
CREATE UNIQUE INDEX environments_uid ON environments (uid);
CREATE INDEX ledger_at ON ledger (at);
CREATE INDEX ledger_content ON ledger (content_key, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_environment ON ledger (environment, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_environment_uid ON ledger (environment_uid, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_guard ON ledger (environment, method, recipient, trigger_id, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_launch ON ledger (request_id, kind, seq);
CREATE UNIQUE INDEX ledger_outcome_of ON ledger (attempt_seq) WHERE attempt_seq IS NOT NULL;
CREATE INDEX ledger_recipient ON ledger (recipient, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_request ON ledger (request_name, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_request_uid ON ledger (request_uid, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_run ON ledger (run_id, ordinal, seq);
CREATE INDEX request_tags_tag ON request_tags (tag, request_id);
CREATE INDEX requests_environment ON requests (environment_id);
CREATE INDEX requests_folder ON requests (folder, name);
CREATE UNIQUE INDEX requests_uid ON requests (uid);
CREATE INDEX runs_started ON runs (started_at);
CREATE TABLE "audit_events" (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    os_user TEXT NOT NULL,
    host TEXT NOT NULL,
    action TEXT NOT NULL
        CHECK (action IN ('create', 'edit', 'rename', 'delete', 'use', 'start', 'finish', 'reopen', 'adopt')),
    entity TEXT NOT NULL CHECK (entity IN ('environment', 'request', 'run')),
    name TEXT NOT NULL,
    before TEXT CHECK (before IS NULL OR json_valid(before)),
    after TEXT CHECK (after IS NULL OR json_valid(after)),
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE TABLE defaults (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    environment_id INTEGER REFERENCES environments (id) ON DELETE SET NULL
);
CREATE TABLE environments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    base_url TEXT NOT NULL CHECK (base_url LIKE 'http://%' OR base_url LIKE 'https://%'),
    -- The token itself, or the name of the process environment variable that holds it: exactly one of the two.
    token TEXT,
    token_env TEXT,
    auth TEXT NOT NULL DEFAULT 'body' CHECK (auth IN ('body', 'bearer')),
    variables TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(variables) AND json_type(variables) = 'object'),
    guard_seconds INTEGER NOT NULL DEFAULT 86400 CHECK (guard_seconds >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, insecure INTEGER NOT NULL DEFAULT 0 CHECK (insecure IN (0, 1)), trailing_slash INTEGER NOT NULL DEFAULT 0 CHECK (trailing_slash IN (0, 1)), uid TEXT, guard_rule TEXT NOT NULL DEFAULT 'content'
    CHECK (guard_rule IN ('content', 'recipient')),
    CHECK ((token IS NULL) <> (token_env IS NULL))
);
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
    hash TEXT NOT NULL UNIQUE, environment_uid TEXT, request_uid TEXT, content_key TEXT,
    CHECK (kind <> 'attempt' OR (attempt_seq IS NULL AND try IS NOT NULL AND request_name IS NOT NULL
        AND method IS NOT NULL AND environment IS NOT NULL AND url IS NOT NULL AND recipient IS NOT NULL
        AND request_body IS NOT NULL AND result IS NULL)),
    CHECK (kind <> 'outcome' OR (attempt_seq IS NOT NULL AND result IS NOT NULL AND try IS NULL))
);
CREATE TABLE request_tags (
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (request_id, tag)
) WITHOUT ROWID;
CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('trigger', 'method')),
    method TEXT NOT NULL CHECK (length(method) > 0),
    folder TEXT NOT NULL DEFAULT '',
    -- The launch as a template: the JSON body without the token, keys in the order they are sent.
    body TEXT NOT NULL CHECK (json_valid(body) AND json_type(body) = 'object'),
    environment_id INTEGER REFERENCES environments (id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, uid TEXT,
    CHECK (kind <> 'trigger' OR method = 'campaigns/triggers/start')
);
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
CREATE TABLE store_meta (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    fingerprint_key BLOB NOT NULL CHECK (length(fingerprint_key) = 32),
    created_at TEXT NOT NULL
);
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
