-- cairn checkpoint store, SQLite dialect, schema version 1.
-- Times are epoch milliseconds (UTC). Statements are separated by semicolons at line ends,
-- so no comment or literal here may contain one.

CREATE TABLE schema_version (
    version INTEGER NOT NULL
);

-- At most one job per checkpoint: the options that determine its output and their fingerprint.
CREATE TABLE job (
    id          TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    kind        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE job_option (
    job_id TEXT NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (job_id, key)
) WITHOUT ROWID;

-- One row per planned asset. seq is the planning order. attempt is the fencing token of the
-- latest claim, tries the processing tries over all claims.
CREATE TABLE asset (
    id          TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL UNIQUE,
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
    updated_at  INTEGER NOT NULL
);

-- claim(): the largest pending input, or the largest expired running one; counts() by state.
CREATE INDEX asset_claim ON asset (state, input_size DESC, seq);

-- heartbeat(), releaseClaimsOf(), workersWithClaims(): the claims of one worker.
CREATE INDEX asset_running_worker ON asset (worker) WHERE state = 'running';

CREATE TABLE worker (
    id            TEXT PRIMARY KEY,
    host          TEXT,
    pid           INTEGER NOT NULL,
    process_start INTEGER,
    registered_at INTEGER
);

-- Append-only lineage: never updated, only cleared with the whole job.
CREATE TABLE event (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    asset_id    TEXT,
    kind        TEXT NOT NULL,
    worker      TEXT,
    attempt     INTEGER NOT NULL DEFAULT 0,
    detail      TEXT,
    fingerprint TEXT
);
