-- The foundation: environments, the collection of saved launch requests, and the audit trail of every change.
-- A shipped migration is never edited: add a new NNNN_name.sql instead.

-- One row of store-wide facts. fingerprint_key keys the HMAC that turns a token into a short fingerprint, so a
-- fingerprint in an export cannot be brute-forced back to a short token without this store.
CREATE TABLE store_meta (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    fingerprint_key BLOB NOT NULL CHECK (length(fingerprint_key) = 32),
    created_at TEXT NOT NULL
);
INSERT INTO store_meta (singleton, fingerprint_key, created_at)
VALUES (1, randomblob(32), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

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
    updated_at TEXT NOT NULL,
    CHECK ((token IS NULL) <> (token_env IS NULL))
);

-- The default environment (`salvo env use`); forgotten when that environment is removed.
CREATE TABLE defaults (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    environment_id INTEGER REFERENCES environments (id) ON DELETE SET NULL
);
INSERT INTO defaults (singleton, environment_id) VALUES (1, NULL);

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
    updated_at TEXT NOT NULL,
    CHECK (kind <> 'trigger' OR method = 'campaigns/triggers/start')
);
CREATE INDEX requests_folder ON requests (folder, name);
CREATE INDEX requests_environment ON requests (environment_id);

CREATE TABLE request_tags (
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (request_id, tag)
) WITHOUT ROWID;
CREATE INDEX request_tags_tag ON request_tags (tag, request_id);

-- Every create, edit, rename and removal of an environment or request, secrets replaced by fingerprints.
-- Append-only and chained: each event holds the hash of the one before it.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    os_user TEXT NOT NULL,
    host TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('create', 'edit', 'rename', 'delete', 'use')),
    entity TEXT NOT NULL CHECK (entity IN ('environment', 'request')),
    name TEXT NOT NULL,
    before TEXT CHECK (before IS NULL OR json_valid(before)),
    after TEXT CHECK (after IS NULL OR json_valid(after)),
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
