package dev.cairn.store.postgresql;

import dev.cairn.engine.JobRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code cairn.job} and {@code cairn.job_option} rows of a {@link PostgresStore}, and the
 * removal of a whole job. Every method runs inside the caller's transaction. Job-less rows (assets
 * planned by a handle bound to no job) have the job id {@link #NO_JOB}.
 */
final class JobRows {

    /** The job id of the rows of no job; never the id of a recorded job. */
    static final String NO_JOB = "";

    private static final String SELECT_JOB = "SELECT id, fingerprint, kind, created_at FROM cairn.job";

    private JobRows() {
    }

    static Optional<JobRecord> find(Connection conn, String id) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(SELECT_JOB + " WHERE id = ?")) {
            ps.setString(1, id);
            List<JobRecord> jobs = read(conn, ps);
            return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
        }
    }

    static Optional<JobRecord> latest(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(SELECT_JOB + " ORDER BY seq DESC LIMIT 1")) {
            List<JobRecord> jobs = read(conn, ps);
            return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
        }
    }

    static List<JobRecord> all(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(SELECT_JOB + " ORDER BY seq")) {
            return read(conn, ps);
        }
    }

    /** Records the job as the newest one; the caller has checked that its id is free. */
    static void insert(Connection conn, JobRecord job) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO cairn.job (id, fingerprint, kind, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, job.id());
            ps.setString(2, job.fingerprint());
            ps.setString(3, job.kind());
            ps.setObject(4, OffsetDateTime.ofInstant(job.createdAt(), ZoneOffset.UTC));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO cairn.job_option (job_id, key, value) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> option : job.spec().entrySet()) {
                ps.setString(1, job.id());
                ps.setString(2, option.getKey());
                ps.setString(3, option.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Makes the job-less assets, events and plan blocks the new job's. */
    static void adoptJobLessRows(Connection conn, String jobId) throws SQLException {
        for (String table : List.of("cairn.asset", "cairn.event", "cairn.plan_block")) {
            try (PreparedStatement ps = conn.prepareStatement(
                    "UPDATE " + table + " SET job_id = ? WHERE job_id = '" + NO_JOB + "'")) {
                ps.setString(1, jobId);
                ps.executeUpdate();
            }
        }
    }

    /** Deletes the events, assets, plan blocks and options of {@code jobId} (or the rows of no job), and the job. */
    static void delete(Connection conn, String jobId) throws SQLException {
        for (String sql : List.of("DELETE FROM cairn.event WHERE job_id = ?", "DELETE FROM cairn.asset WHERE job_id = ?",
                "DELETE FROM cairn.plan_block WHERE job_id = ?",
                "DELETE FROM cairn.job_option WHERE job_id = ?", "DELETE FROM cairn.job WHERE id = ?")) {
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
                ps.setString(1, jobId);
                ps.executeUpdate();
            }
        }
        WorkerRows.delete(conn, jobId);
    }

    private static List<JobRecord> read(Connection conn, PreparedStatement jobs) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (ResultSet rs = jobs.executeQuery()) {
            while (rs.next()) {
                rows.add(new Object[] {rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant()});
            }
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, String>> specs = new HashMap<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT job_id, key, value FROM cairn.job_option");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                specs.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
            }
        }
        List<JobRecord> records = new ArrayList<>();
        for (Object[] row : rows) {
            String id = (String) row[0];
            records.add(new JobRecord(id, (String) row[1], (String) row[2], specs.getOrDefault(id, Map.of()),
                    (java.time.Instant) row[3]));
        }
        return records;
    }
}
