package dev.cairn.store.postgresql;

import dev.cairn.engine.WorkerActivity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workers of a job as {@code cairn status} shows them ({@link PostgresStore#workerActivity}),
 * and the heartbeat rows that tell a live worker from a dead one
 * ({@code cairn.worker_lease(job_id, worker_id, beat_at, lease_until)}, schema version 2).
 *
 * <p>Where each figure comes from, all in one read-only transaction (plain reads: no row lock,
 * so it never blocks or waits for a worker), with the server's time as now:
 * <pre>
 *   claims, claims' lease   cairn.asset WHERE state = 'running', by worker   (index asset_running_worker)
 *   done, failed, recent,   cairn.event of the job, by worker and kind       (index event_job: one pass
 *   first and last event                                                      over the job's events)
 *   last heartbeat, lease,  cairn.worker_lease of the job                    (one row per worker)
 *   stopped at
 *   host, pid, registered   cairn.worker                                     (store-wide)
 * </pre>
 * A worker's heartbeat row holds the time of its last heartbeat and the lease that heartbeat asked
 * for, {@code lease_until > beat_at}; its clean stop ({@link dev.cairn.engine.CheckpointStore#workerStopped},
 * a heartbeat asking for no lease) writes {@code lease_until = beat_at}, the stop's time, which is
 * how it is read back ({@link WorkerActivity#stoppedAt()}), with no column of its own:
 * <pre>
 *   worker_lease row                     the worker
 *   beat_at = t, lease_until = t + 60 s  alive at t (its heartbeat), leased to t + 60 s
 *   beat_at = t, lease_until = t         stopped cleanly at t
 *   none                                 never sent a heartbeat in this job
 * </pre>
 * A store of schema version 1 read before any worker of this version migrated it has no
 * {@code worker_lease}: its workers are listed without heartbeats, their lease that of their claims.
 */
final class WorkerRows {

    /** The statement's time: the bound test time, or the server's now() (as {@link PostgresStore} binds it). */
    private static final String NOW = "coalesce(CAST(? AS timestamptz), now())";

    private WorkerRows() {
    }

    /**
     * Records a heartbeat of {@code workerId} in {@code jobId}; {@code testTime} is the test
     * clock's instant, or null for the server's now(). Idempotent, so a replayed try is harmless.
     */
    static void beat(Connection c, String jobId, String workerId, String testTime, long leaseMillis)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO cairn.worker_lease (job_id, worker_id, beat_at, lease_until)
                SELECT ?, ?, t.now, t.now + ? * interval '1 millisecond' FROM (SELECT %s AS now) t
                ON CONFLICT (job_id, worker_id) DO UPDATE SET beat_at = excluded.beat_at,
                    lease_until = excluded.lease_until""".formatted(NOW))) {
            ps.setString(1, jobId);
            ps.setString(2, workerId);
            ps.setLong(3, leaseMillis);
            time(ps, 4, testTime);
            ps.executeUpdate();
        }
    }

    /** Forgets the heartbeats of a job, in the caller's transaction (with the job's other rows). */
    static void delete(Connection c, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM cairn.worker_lease WHERE job_id = ?")) {
            ps.setString(1, jobId);
            ps.executeUpdate();
        }
    }

    /** The activity of every worker of {@code jobId}, by worker id, inside the caller's transaction. */
    static List<WorkerActivity> activity(Connection c, String jobId, String testTime) throws SQLException {
        Instant now;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + NOW)) {
            time(ps, 1, testTime);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                now = rs.getObject(1, OffsetDateTime.class).toInstant();
            }
        }
        Map<String, Row> rows = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT worker, count(*) FILTER (WHERE kind = 'done'), count(*) FILTER (WHERE kind = 'failed'),
                       count(*) FILTER (WHERE kind = 'done' AND at > ?), min(at), max(at)
                FROM cairn.event WHERE job_id = ? AND worker IS NOT NULL GROUP BY worker""")) {
            ps.setObject(1, OffsetDateTime.ofInstant(now.minus(WorkerActivity.RECENT), java.time.ZoneOffset.UTC));
            ps.setString(2, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = rows.computeIfAbsent(rs.getString(1), Row::new);
                    r.done = rs.getLong(2);
                    r.failed = rs.getLong(3);
                    r.recent = rs.getLong(4);
                    r.firstEvent = instant(rs, 5);
                    r.lastEvent = instant(rs, 6);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT worker, count(*), max(lease_until) FROM cairn.asset
                WHERE job_id = ? AND state = 'running' AND worker IS NOT NULL GROUP BY worker""")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = rows.computeIfAbsent(rs.getString(1), Row::new);
                    r.claims = rs.getInt(2);
                    r.lease = later(r.lease, instant(rs, 3));
                }
            }
        }
        if (hasHeartbeats(c)) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT worker_id, beat_at, lease_until FROM cairn.worker_lease WHERE job_id = ?")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Row r = rows.get(rs.getString(1));
                        if (r != null) { // a worker that beat but never claimed in this job is not listed
                            r.beat = instant(rs, 2);
                            Instant until = instant(rs, 3);
                            r.lease = later(r.lease, until);
                            if (!until.isAfter(r.beat)) { // a clean stop: see the class comment
                                r.stopped = r.beat;
                            }
                        }
                    }
                }
            }
        }
        if (!rows.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, host, pid, registered_at FROM cairn.worker WHERE id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("text", rows.keySet().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Row r = rows.get(rs.getString(1));
                        r.host = rs.getString(2);
                        r.pid = rs.getLong(3);
                        r.registered = instant(rs, 4);
                    }
                }
            }
        }
        List<WorkerActivity> list = new ArrayList<>(rows.size());
        for (Row r : rows.values()) {
            list.add(new WorkerActivity(r.id, r.host, r.pid, r.registered, r.beat, r.lease, r.stopped, r.claims, r.done,
                    r.failed, r.recent, r.firstEvent, r.lastEvent, now));
        }
        return list;
    }

    /** Whether the store has {@code cairn.worker_lease} (schema version 2). */
    private static boolean hasHeartbeats(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('cairn.worker_lease') IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static void time(PreparedStatement ps, int index, String testTime) throws SQLException {
        if (testTime == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, testTime);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    /** One worker's figures while they are gathered. */
    private static final class Row {
        final String id;
        String host;
        long pid = -1;
        Instant registered;
        Instant beat;
        Instant lease;
        Instant stopped;
        Instant firstEvent;
        Instant lastEvent;
        int claims;
        long done;
        long failed;
        long recent;

        Row(String id) {
            this.id = id;
        }
    }
}
