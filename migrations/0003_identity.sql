-- Identity that survives renames, and what makes two launches the same for the duplicate guard.

-- A stable identity for every environment and request, kept through renames: the guard and the history filters
-- follow it, so renaming an environment does not reset the guard. Random, never reused (a row id can be).
ALTER TABLE environments ADD COLUMN uid TEXT;
UPDATE environments SET uid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX environments_uid ON environments (uid);
ALTER TABLE requests ADD COLUMN uid TEXT;
UPDATE requests SET uid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX requests_uid ON requests (uid);

-- Which launches the guard calls identical: 'content' (the same method and body, the token aside: the default)
-- or 'recipient' (the same trigger and recipient, whatever the content).
ALTER TABLE environments ADD COLUMN guard_rule TEXT NOT NULL DEFAULT 'content'
    CHECK (guard_rule IN ('content', 'recipient'));

-- On attempts: the environment's and request's identity, and the SHA-256 of the method and body as sent with
-- every token mask made alike (the guard's 'content' key). Null on attempts recorded before this migration.
ALTER TABLE ledger ADD COLUMN environment_uid TEXT;
ALTER TABLE ledger ADD COLUMN request_uid TEXT;
ALTER TABLE ledger ADD COLUMN content_key TEXT;
CREATE INDEX ledger_environment_uid ON ledger (environment_uid, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_request_uid ON ledger (request_uid, seq) WHERE kind = 'attempt';
CREATE INDEX ledger_content ON ledger (content_key, seq) WHERE kind = 'attempt';
