package dev.cairn.store.sqlite;

import dev.cairn.engine.JobRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code job} and {@code job_option} rows of a {@link SqliteStore}, and the removal of a whole
 * job. Every method runs inside the caller's transaction. Job-less rows (assets planned by a
 * handle bound to no job) have the job id {@link #NO_JOB}.
 */
final class JobTable {

    /** The job id of the rows of no job; never the id of a recorded job. */
    static final String NO_JOB = "";

    private static final String SELECT_JOB = "SELECT id, fingerprint, kind, created_at FROM job";

    private static final String INSERT_JOB = """
            INSERT INTO job (id, seq, fingerprint, kind, created_at)
            VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM job), ?, ?, ?)""";

    private static final String INSERT_OPTION = "INSERT INTO job_option (job_id, key, value) VALUES (?, ?, ?)";

    private JobTable() {
    }

    /** The job with this id. */
    static Optional<JobRecord> find(Connection conn, String id) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(SELECT_JOB + " WHERE id = ?")) {
            ps.setString(1, id);
            List<JobRecord> jobs = read(conn, ps);
            return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
        }
    }

    /** The most recently created job. */
    static Optional<JobRecord> latest(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(SELECT_JOB + " ORDER BY seq DESC LIMIT 1")) {
            List<JobRecord> jobs = read(conn, ps);
            return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
        }
    }

    /** Every job, oldest first. */
    static List<JobRecord> all(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(SELECT_JOB + " ORDER BY seq")) {
            return read(conn, ps);
        }
    }

    /** Records the job as the newest one; the caller has checked that its id is free. */
    static void insert(Connection conn, JobRecord job) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(INSERT_JOB)) {
            ps.setString(1, job.id());
            ps.setString(2, job.fingerprint());
            ps.setString(3, job.kind());
            ps.setLong(4, job.createdAt().toEpochMilli());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = conn.prepareStatement(INSERT_OPTION)) {
            for (Map.Entry<String, String> option : job.spec().entrySet()) {
                ps.setString(1, job.id());
                ps.setString(2, option.getKey());
                ps.setString(3, option.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Makes the job-less assets and events the job's (planned before the job was recorded). The
     * job is new, so it has no assets whose planning order could collide with theirs.
     */
    static void adoptJobLessRows(Connection conn, String jobId) throws SQLException {
        for (String table : List.of("asset", "plan_block", "event")) {
            try (PreparedStatement ps = conn.prepareStatement(
                    "UPDATE " + table + " SET job_id = ? WHERE job_id = '" + NO_JOB + "'")) {
                ps.setString(1, jobId);
                ps.executeUpdate();
            }
        }
    }

    /** Deletes the events, assets, plan blocks and options of {@code jobId} (or the rows of no job), and the job. */
    static void delete(Connection conn, String jobId) throws SQLException {
        for (String sql : List.of("DELETE FROM event WHERE job_id = ?", "DELETE FROM asset WHERE job_id = ?",
                "DELETE FROM plan_block WHERE job_id = ?",
                "DELETE FROM job_option WHERE job_id = ?", "DELETE FROM job WHERE id = ?")) {
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
                ps.setString(1, jobId);
                ps.executeUpdate();
            }
        }
        WorkerRows.delete(conn, jobId);
    }

    private static List<JobRecord> read(Connection conn, PreparedStatement jobs) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        List<Long> created = new ArrayList<>();
        try (ResultSet rs = jobs.executeQuery()) {
            while (rs.next()) {
                rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                created.add(rs.getLong(4));
            }
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, String>> specs = new HashMap<>();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT job_id, key, value FROM job_option")) {
            while (rs.next()) {
                specs.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
            }
        }
        List<JobRecord> records = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            records.add(new JobRecord(row[0], row[1], row[2], specs.getOrDefault(row[0], Map.of()),
                    Instant.ofEpochMilli(created.get(i))));
        }
        return records;
    }
}
