-- cairn checkpoint store, PostgreSQL dialect: schema version 1 to 2, run by PostgresSchema in the
-- transaction that holds the schema lock (it then records the new version). Version 2 adds the
-- table of workers' heartbeats.

CREATE TABLE cairn.worker_lease (
    job_id      text NOT NULL,
    worker_id   text NOT NULL,
    beat_at     timestamptz NOT NULL,
    lease_until timestamptz NOT NULL,
    PRIMARY KEY (job_id, worker_id)
);
