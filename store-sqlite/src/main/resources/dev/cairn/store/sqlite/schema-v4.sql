-- cairn checkpoint store, SQLite dialect, schema version 4: a new checkpoint.
-- A checkpoint of an older version is brought here by the migrate-vN-to-vN+1.sql files instead.
-- Times are epoch milliseconds (UTC). Statements are separated by semicolons at line ends,
-- so no comment or literal here may contain one.

CREATE TABLE schema_version (
    version INTEGER NOT NULL
);

-- Every job in the store: the options that determine its output and their fingerprint.
-- seq is the order of creation (jobs() lists by it, opening without a job id takes the highest).
CREATE TABLE job (
    id          TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL UNIQUE,
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

-- One row per planned asset of a job. job_id '' holds the assets planned by a handle bound to
-- no job (no foreign key, for that reason). seq is the planning order within the job. attempt is
-- the fencing token of the latest claim, tries the processing tries over all claims.
CREATE TABLE asset (
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

-- assets(): a job's assets in planning order.
CREATE UNIQUE INDEX asset_seq ON asset (job_id, seq);

-- claim(): a job's largest pending input, or its largest expired running one; counts() by state.
CREATE INDEX asset_claim ON asset (job_id, state, input_size DESC, seq);

-- heartbeat(), releaseClaimsOf(), workersWithClaims(): the claims of one worker in a job.
CREATE INDEX asset_running_worker ON asset (job_id, worker) WHERE state = 'running';

-- Store-wide: one process may work on several jobs.
CREATE TABLE worker (
    id            TEXT PRIMARY KEY,
    host          TEXT,
    pid           INTEGER NOT NULL,
    process_start INTEGER,
    registered_at INTEGER
);

-- The last heartbeat of each worker in each job (store clock) and the lease it asked for, so that
-- status can tell a live worker from a dead one even when it holds no claim. Rows are replaced by
-- each heartbeat and deleted with their job. No foreign key: job_id '' is the job-less scope.
CREATE TABLE worker_lease (
    job_id      TEXT NOT NULL,
    worker_id   TEXT NOT NULL,
    beat_at     INTEGER NOT NULL,
    lease_until INTEGER NOT NULL,
    PRIMARY KEY (job_id, worker_id)
) WITHOUT ROWID;

-- Append-only lineage: never updated (except that createJob adopts the rows of job_id ''),
-- only deleted with its whole job.
CREATE TABLE event (
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

-- events(), featureIssues(): the events of one job.
CREATE INDEX event_job ON event (job_id, seq);

-- The assets of a large plan, kept as blocks (PlanBlocks): payload holds them in claim order,
-- the first 'taken' of them are asset rows now (claimed), the others pending. head_size and
-- head_seq are those of the first asset not taken. An asset's 'planned' event has
-- seq = asset seq + event_offset, reserved in sqlite_sequence when the block is written, and is
-- read from the block until the block is dissolved into rows.
-- No foreign key: job_id '' holds the blocks planned by a handle bound to no job.
CREATE TABLE plan_block (
    job_id       TEXT NOT NULL,
    block_no     INTEGER NOT NULL,
    head_size    INTEGER NOT NULL,
    head_seq     INTEGER NOT NULL,
    min_seq      INTEGER NOT NULL,
    max_seq      INTEGER NOT NULL,
    assets       INTEGER NOT NULL,
    taken        INTEGER NOT NULL,
    event_offset INTEGER NOT NULL,
    planned_at   INTEGER NOT NULL,
    fingerprint  TEXT,
    payload      BLOB NOT NULL,
    PRIMARY KEY (job_id, block_no)
);

-- claim(): the blocks with assets not taken, the one whose next asset comes first in claim order first.
CREATE INDEX plan_block_head ON plan_block (job_id, head_size DESC, head_seq) WHERE taken < assets;
