-- cairn checkpoint store, SQLite dialect: schema version 3 to 4, run by SqliteSchema inside the
-- transaction that checks the version. Version 4 adds the table of plan blocks.

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

UPDATE schema_version SET version = 4;
