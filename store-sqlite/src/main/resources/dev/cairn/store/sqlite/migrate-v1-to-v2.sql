-- cairn checkpoint store, SQLite dialect: schema version 1 to 2, in place.
-- Version 1 held at most one job, and assets, events and claims without a job column. Each of
-- them now belongs to that job (or to job_id '' when the checkpoint recorded none). Runs inside
-- the caller's one write transaction with foreign keys off, followed by a foreign key check.
-- Self-contained on purpose: the DDL of version 2 is repeated here, not read from
-- schema-v2.sql, which describes the newest version only.
-- Statements are separated by semicolons at line ends, so no comment or literal may contain one.

-- job gains seq, its order of creation: the one job of version 1 is the first.
CREATE TABLE job_v2 (
    id          TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL,
    kind        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

INSERT INTO job_v2 (id, seq, fingerprint, kind, created_at)
SELECT id, rowid, fingerprint, kind, created_at FROM job;

DROP TABLE job;

ALTER TABLE job_v2 RENAME TO job;

-- job_option is unchanged (its foreign key names job, which now is the new table).

CREATE TABLE asset_v2 (
    job_id      TEXT NOT NULL,
    id          TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    input       TEXT NOT NULL,
    part        TEXT,
    output      TEXT NOT NULL,
    input_size  INTEGER NOT NULL,
    input_mtime INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
    worker      TEXT,
    lease_until INTEGER,
    attempt     INTEGER NOT NULL DEFAULT 0,
    tries       INTEGER NOT NULL DEFAULT 0,
    error_class TEXT,
    message     TEXT,
    transient   INTEGER NOT NULL DEFAULT 0,
    features    INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    checksum    TEXT,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (job_id, id)
);

INSERT INTO asset_v2 (job_id, id, seq, input, part, output, input_size, input_mtime, state, worker,
                      lease_until, attempt, tries, error_class, message, transient, features, skipped,
                      checksum, updated_at)
SELECT coalesce((SELECT id FROM job ORDER BY seq LIMIT 1), ''), id, seq, input, part, output, input_size,
       input_mtime, state, worker, lease_until, attempt, tries, error_class, message, transient, features,
       skipped, checksum, updated_at
FROM asset;

DROP TABLE asset;

ALTER TABLE asset_v2 RENAME TO asset;

CREATE UNIQUE INDEX asset_seq ON asset (job_id, seq);

CREATE INDEX asset_claim ON asset (job_id, state, input_size DESC, seq);

CREATE INDEX asset_running_worker ON asset (job_id, worker) WHERE state = 'running';

-- worker is unchanged.

CREATE TABLE event_v2 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    asset_id    TEXT,
    kind        TEXT NOT NULL,
    worker      TEXT,
    attempt     INTEGER NOT NULL DEFAULT 0,
    detail      TEXT,
    fingerprint TEXT
);

INSERT INTO event_v2 (seq, job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
SELECT seq, coalesce((SELECT id FROM job ORDER BY seq LIMIT 1), ''), at, asset_id, kind, worker, attempt,
       detail, fingerprint
FROM event;

-- Event numbers are never reused: carry over the high-water mark of AUTOINCREMENT, which may be
-- above the last event kept (events of a cleared job).
INSERT INTO sqlite_sequence (name, seq)
SELECT 'event_v2', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'event_v2');

UPDATE sqlite_sequence
SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'event'), 0))
WHERE name = 'event_v2';

DROP TABLE event;

ALTER TABLE event_v2 RENAME TO event;

CREATE INDEX event_job ON event (job_id, seq);

UPDATE schema_version SET version = 2;
