-- cairn checkpoint store, SQLite dialect: a checkpoint of schema version 1 opened read-only.
-- It cannot be migrated (nothing is written), so these temporary views, private to the
-- connection, show its tables as version 2 does: unqualified names find the temp schema first,
-- so the store's queries read the views instead of the tables of main.
-- Statements are separated by semicolons at line ends, so no comment or literal may contain one.

CREATE TEMP VIEW job AS
SELECT id, rowid AS seq, fingerprint, kind, created_at FROM main.job;

CREATE TEMP VIEW asset AS
SELECT coalesce((SELECT id FROM main.job ORDER BY rowid LIMIT 1), '') AS job_id, id, seq, input, part, output,
       input_size, input_mtime, state, worker, lease_until, attempt, tries, error_class, message, transient,
       features, skipped, checksum, updated_at
FROM main.asset;

CREATE TEMP VIEW event AS
SELECT seq, coalesce((SELECT id FROM main.job ORDER BY rowid LIMIT 1), '') AS job_id, at, asset_id, kind, worker,
       attempt, detail, fingerprint
FROM main.event;
