-- cairn checkpoint store, SQLite dialect: a checkpoint of schema version 1 to 3 opened read-only.
-- It cannot be migrated (nothing is written), and it holds no plan blocks: this temporary view,
-- private to the connection, stands for the plan_block table of version 4, empty.
-- Statements are separated by semicolons at line ends, so no comment or literal may contain one.

CREATE TEMP VIEW plan_block AS
SELECT '' AS job_id, 0 AS block_no, 0 AS head_size, 0 AS head_seq, 0 AS min_seq, 0 AS max_seq, 0 AS assets, 0 AS taken,
       0 AS event_offset, 0 AS planned_at, NULL AS fingerprint, X'' AS payload
WHERE 0;
