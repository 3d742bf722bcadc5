-- cairn checkpoint store, SQLite dialect: schema version 2 to 3, run by SqliteSchema inside the
-- transaction that checks the version. Version 3 adds the table of workers' heartbeats.

CREATE TABLE worker_lease (
    job_id      TEXT NOT NULL,
    worker_id   TEXT NOT NULL,
    beat_at     INTEGER NOT NULL,
    lease_until INTEGER NOT NULL,
    PRIMARY KEY (job_id, worker_id)
) WITHOUT ROWID;

UPDATE schema_version SET version = 3;
