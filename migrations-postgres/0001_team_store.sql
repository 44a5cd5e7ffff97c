-- A team's shared store on PostgreSQL: what the SQLite store holds (migrations/0001 to 0004, in their final
-- shape), for many machines at once. `salvo store init` applies it; a shipped migration is never edited.
--
-- Differences from SQLite, on purpose:
-- - JSON columns are `json`, which keeps the text exactly as written (its hash covers those bytes); never jsonb.
-- - Times are salvo's own ISO-8601 text (`2026-12-03T07:19:10.140Z`), as on SQLite, so the chains' hashes are the
--   same on both backends.
-- - The ledger's and the audit trail's numbers come from one head row each, locked in every appending
--   transaction, never from a SEQUENCE: a rolled-back sequence leaves gaps that look like deletions.
-- - Environments hold no token value: each machine reads its token from a variable (`--token-env`).

CREATE TABLE store_meta (
    singleton integer PRIMARY KEY CHECK (singleton = 1),
    fingerprint_key bytea NOT NULL CHECK (length(fingerprint_key) = 32),
    created_at text NOT NULL
);

CREATE TABLE environments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid text NOT NULL UNIQUE,
    name text NOT NULL UNIQUE,
    base_url text NOT NULL CHECK (base_url LIKE 'http://%' OR base_url LIKE 'https://%'),
    token_env text NOT NULL,
    auth text NOT NULL DEFAULT 'body' CHECK (auth IN ('body', 'bearer')),
    variables json NOT NULL DEFAULT '{}' CHECK (json_typeof(variables) = 'object'),
    guard_seconds bigint NOT NULL DEFAULT 86400 CHECK (guard_seconds >= 0),
    guard_rule text NOT NULL DEFAULT 'content' CHECK (guard_rule IN ('content', 'recipient')),
    insecure boolean NOT NULL DEFAULT false,
    trailing_slash boolean NOT NULL DEFAULT false,
    created_at text NOT NULL,
    updated_at text NOT NULL
);

CREATE TABLE defaults (
    singleton integer PRIMARY KEY CHECK (singleton = 1),
    environment_id bigint REFERENCES environments (id) ON DELETE SET NULL
);
INSERT INTO defaults (singleton, environment_id) VALUES (1, NULL);

CREATE TABLE requests (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid text NOT NULL UNIQUE,
    name text NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('trigger', 'method')),
    method text NOT NULL CHECK (length(method) > 0),
    folder text NOT NULL DEFAULT '',
    body json NOT NULL CHECK (json_typeof(body) = 'object'),
    environment_id bigint REFERENCES environments (id) ON DELETE RESTRICT,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    CHECK (kind <> 'trigger' OR method = 'campaigns/triggers/start')
);
CREATE INDEX requests_folder ON requests (folder, name);
CREATE INDEX requests_environment ON requests (environment_id);

CREATE TABLE request_tags (
    request_id bigint NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    tag text NOT NULL,
    PRIMARY KEY (request_id, tag)
);
CREATE INDEX request_tags_tag ON request_tags (tag, request_id);

CREATE TABLE runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('send', 'run', 'replay')),
    started_at text NOT NULL,
    finished_at text,
    state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'finished', 'interrupted')),
    environment text NOT NULL,
    selection json NOT NULL,
    settings json NOT NULL,
    data_file text,
    data_sha256 text,
    os_user text NOT NULL,
    host text NOT NULL
);
CREATE INDEX runs_started ON runs (started_at);

-- The audit trail: every change to the collection and every step of a run, chained by hash.
CREATE TABLE audit_events (
    id bigint PRIMARY KEY,
    at text NOT NULL,
    os_user text NOT NULL,
    host text NOT NULL,
    action text NOT NULL
        CHECK (action IN ('create', 'edit', 'rename', 'delete', 'use', 'start', 'finish', 'reopen', 'adopt')),
    entity text NOT NULL CHECK (entity IN ('environment', 'request', 'run')),
    name text NOT NULL,
    before json,
    after json,
    prev_hash text NOT NULL,
    hash text NOT NULL UNIQUE
);
CREATE INDEX audit_events_at ON audit_events (at);

-- The ledger: attempts (committed before the bytes leave) and outcomes, chained by hash in seq order.
CREATE TABLE ledger (
    seq bigint PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('attempt', 'outcome')),
    at text NOT NULL,
    run_id bigint NOT NULL REFERENCES runs (id),
    request_id text NOT NULL,
    attempt_seq bigint REFERENCES ledger (seq),
    try bigint CHECK (try >= 1),
    request_name text,
    method text,
    environment text,
    base_url text,
    url text,
    trigger_id text,
    recipient_kind text,
    recipient text,
    data_row bigint,
    iteration bigint,
    ordinal bigint,
    replay_of bigint REFERENCES ledger (seq),
    request_headers json,
    request_body text,
    token_fingerprint text,
    os_user text,
    host text,
    environment_uid text,
    request_uid text,
    content_key text,
    result text CHECK (result IN ('ok', 'rejected', 'not-sent', 'unknown', 'skipped')),
    http_status bigint,
    response_headers json,
    response_body text,
    duration_ms double precision,
    error_code bigint,
    error_text text,
    transport_error text,
    duplicate bigint CHECK (duplicate IN (0, 1)),
    prev_hash text NOT NULL,
    hash text NOT NULL UNIQUE,
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
CREATE INDEX ledger_environment_uid ON ledger (environment_uid, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_request_uid ON ledger (request_uid, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_content ON ledger (content_key, seq) WHERE kind = 'attempt';

-- The chains' heads: the last number and hash of each chain, one row locked by every appending transaction, so
-- writers on many machines number their rows one after another with no gap.
CREATE TABLE chain_heads (
    chain text PRIMARY KEY CHECK (chain IN ('ledger', 'audit')),
    seq bigint NOT NULL,
    hash text NOT NULL
);
INSERT INTO chain_heads (chain, seq, hash)
VALUES ('ledger', 0, repeat('0', 64)), ('audit', 0, repeat('0', 64));

-- Append-only: row changes and TRUNCATE are refused (a role without UPDATE/DELETE/TRUNCATE on them adds to this).
CREATE FUNCTION salvo_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION salvo_append_only();
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger FOR EACH ROW EXECUTE FUNCTION salvo_append_only();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger FOR EACH STATEMENT EXECUTE FUNCTION salvo_append_only();
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION salvo_append_only();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION salvo_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION salvo_append_only();
