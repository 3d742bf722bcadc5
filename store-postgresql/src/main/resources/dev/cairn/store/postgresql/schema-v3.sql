-- cairn checkpoint store, PostgreSQL dialect, schema version 3: a new store.
-- Everything lives in the schema cairn, so the store can share a database with other things.
-- Times are timestamptz from the server's clock. Statements are separated by semicolons at line
-- ends, so no comment or literal here may contain one.

CREATE TABLE cairn.schema_version (
    version integer NOT NULL
);

-- Every job in the store. seq is the order of creation (jobs() lists by it, opening without a
-- job id takes the highest).
CREATE TABLE cairn.job (
    id          text PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    fingerprint text NOT NULL,
    kind        text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE cairn.job_option (
    job_id text NOT NULL REFERENCES cairn.job (id) ON DELETE CASCADE,
    key    text NOT NULL,
    value  text NOT NULL,
    PRIMARY KEY (job_id, key)
);

-- One row per planned asset of a job. job_id '' holds the assets planned by a handle bound to
-- no job (no foreign key, for that reason). seq is the planning order within the job. attempt is
-- the fencing token of the latest claim, tries the processing tries over all claims.
CREATE TABLE cairn.asset (
    job_id      text NOT NULL,
    id          text NOT NULL,
    seq         bigint NOT NULL,
    input       text NOT NULL,
    part        text,
    output      text NOT NULL,
    input_size  bigint NOT NULL,
    input_mtime bigint NOT NULL,
    state       text NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
    worker      text,
    lease_until timestamptz,
    attempt     integer NOT NULL DEFAULT 0,
    tries       integer NOT NULL DEFAULT 0,
    error_class text,
    message     text,
    transient   boolean NOT NULL DEFAULT false,
    features    bigint NOT NULL DEFAULT 0,
    skipped     bigint NOT NULL DEFAULT 0,
    checksum    text,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (job_id, id)
);

-- assets(): a job's assets in planning order.
CREATE UNIQUE INDEX asset_seq ON cairn.asset (job_id, seq);

-- claim(): a job's largest pending inputs, or its largest expired running ones, read in index
-- order with LIMIT; counts() by state.
CREATE INDEX asset_claim ON cairn.asset (job_id, state, input_size DESC, seq);

-- heartbeat(), releaseClaimsOf(), workersWithClaims(): the claims of one worker in a job.
CREATE INDEX asset_running_worker ON cairn.asset (job_id, worker) WHERE state = 'running';

-- Store-wide: one process may work on several jobs.
CREATE TABLE cairn.worker (
    id            text PRIMARY KEY,
    host          text,
    pid           bigint NOT NULL,
    process_start timestamptz,
    registered_at timestamptz
);

-- The last heartbeat of each worker in each job (server clock) and the lease it asked for, so that
-- status can tell a live worker from a dead one even when it holds no claim. Rows are replaced by
-- each heartbeat and deleted with their job. No foreign key: job_id '' is the job-less scope.
CREATE TABLE cairn.worker_lease (
    job_id      text NOT NULL,
    worker_id   text NOT NULL,
    beat_at     timestamptz NOT NULL,
    lease_until timestamptz NOT NULL,
    PRIMARY KEY (job_id, worker_id)
);

-- Append-only lineage: never updated (except that createJob adopts the rows of job_id ''),
-- only deleted with its whole job.
CREATE TABLE cairn.event (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id      text NOT NULL,
    at          timestamptz NOT NULL,
    asset_id    text,
    kind        text NOT NULL,
    worker      text,
    attempt     integer NOT NULL DEFAULT 0,
    detail      text,
    fingerprint text
);

-- events(), featureIssues(): the events of one job.
CREATE INDEX event_job ON cairn.event (job_id, seq);

-- Plans of many new assets are kept as blocks until claims reach them (PgPlanBlocks): up to
-- a few thousand pending assets per row, in one payload sorted in claim order. head_size and
-- head_seq are the first asset's. An asset's planned event has seq = asset seq + event_delta,
-- reserved from the event sequence when the block was written. A claim that reaches a block
-- dissolves it: its assets become pending rows and its planned events event rows, and the
-- block row goes, in one transaction.
CREATE TABLE cairn.plan_block (
    job_id      text NOT NULL,
    block_no    bigint NOT NULL,
    head_size   bigint NOT NULL,
    head_seq    bigint NOT NULL,
    min_seq     bigint NOT NULL,
    max_seq     bigint NOT NULL,
    assets      integer NOT NULL,
    event_delta bigint NOT NULL,
    planned_at  timestamptz NOT NULL,
    fingerprint text,
    payload     bytea NOT NULL,
    dissolved   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (job_id, block_no)
);

-- claim(): the block whose first asset comes first in claim order.
CREATE INDEX plan_block_head ON cairn.plan_block (job_id, head_size DESC, head_seq) WHERE NOT dissolved;

-- The payload is written once and read whole: stored out of line without compression.
ALTER TABLE cairn.plan_block ALTER COLUMN payload SET STORAGE EXTERNAL;
