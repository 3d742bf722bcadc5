-- cairn checkpoint store, PostgreSQL dialect: schema version 2 to 3, run by PostgresSchema in the
-- transaction that holds the schema lock (it then records the new version). Version 3 adds the
-- plan blocks (PgPlanBlocks); a version 2 store has none, so every asset stays a row.

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

CREATE INDEX plan_block_head ON cairn.plan_block (job_id, head_size DESC, head_seq) WHERE NOT dissolved;

ALTER TABLE cairn.plan_block ALTER COLUMN payload SET STORAGE EXTERNAL;
