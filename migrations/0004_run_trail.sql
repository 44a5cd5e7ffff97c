-- Runs in the audit trail: the facts of every send, run and replay (who, host, when, environment, selection,
-- settings, data file and its SHA-256, state) are chained like the changes to the collection, so a runs row edited
-- around salvo breaks `salvo audit verify`, which names the run.
--
-- The trail's CHECKs gain the entity 'run' and its actions: start, finish, reopen (a resume) and adopt (a run
-- that existed before this migration, entered into the trail by the upgrade, saying so). SQLite cannot widen a
-- CHECK in place: the table is copied into a new one with the same rows, hashes and ids.
CREATE TABLE audit_events_v4 (
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
INSERT INTO audit_events_v4 SELECT id, at, os_user, host, action, entity, name, before, after, prev_hash, hash
    FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_v4 RENAME TO audit_events;
CREATE INDEX audit_events_at ON audit_events (at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
