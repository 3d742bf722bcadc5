package dev.cairn.store.sqlite;

import dev.cairn.engine.WorkerActivity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workers of a job as {@code cairn status} shows them ({@link SqliteStore#workerActivity}),
 * and the heartbeat rows that tell a live worker from a dead one
 * ({@code worker_lease(job_id, worker_id, beat_at, lease_until)}, schema version 3).
 *
 * <p>Where each figure comes from, all in one read transaction (WAL: it never blocks a writer):
 * <pre>
 *   claims, claims' lease   asset WHERE state = 'running', by worker    (index asset_running_worker)
 *   done, failed, recent,   event of the job, by worker and kind        (index event_job: one pass
 *   first and last event                                                 over the job's events)
 *   last heartbeat, lease,  worker_lease of the job                     (one row per worker)
 *   stopped at
 *   host, pid, registered   worker                                      (store-wide)
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
 * A checkpoint of an older schema opened read-only has no {@code worker_lease}: its workers are
 * listed without heartbeats, their lease that of their claims.
 */
final class WorkerRows {

    private WorkerRows() {
    }

    /** Records a heartbeat of {@code workerId} in {@code jobId}, in the caller's write transaction. */
    static void beat(Connection conn, String jobId, String workerId, long nowMillis, long untilMillis)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT OR REPLACE INTO worker_lease (job_id, worker_id, beat_at, lease_until) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, jobId);
            ps.setString(2, workerId);
            ps.setLong(3, nowMillis);
            ps.setLong(4, untilMillis);
            ps.executeUpdate();
        }
    }

    /** Forgets the heartbeats of a job, in the caller's transaction (with the job's other rows). */
    static void delete(Connection conn, String jobId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM worker_lease WHERE job_id = ?")) {
            ps.setString(1, jobId);
            ps.executeUpdate();
        }
    }

    /** The activity of every worker of {@code jobId}, by worker id, read inside the caller's read transaction. */
    static List<WorkerActivity> activity(Connection conn, String jobId, long nowMillis) throws SQLException {
        Map<String, Row> rows = new TreeMap<>();
        try (PreparedStatement ps = conn.prepareStatement("""
                SELECT worker, sum(kind = 'done'), sum(kind = 'failed'), sum(kind = 'done' AND at > ?), min(at), max(at)
                FROM event WHERE job_id = ? AND worker IS NOT NULL GROUP BY worker""")) {
            ps.setLong(1, nowMillis - WorkerActivity.RECENT.toMillis());
            ps.setString(2, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = rows.computeIfAbsent(rs.getString(1), Row::new);
                    r.done = rs.getLong(2);
                    r.failed = rs.getLong(3);
                    r.recent = rs.getLong(4);
                    r.firstEvent = rs.getLong(5);
                    r.lastEvent = rs.getLong(6);
                }
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("""
                SELECT worker, count(*), max(lease_until) FROM asset
                WHERE job_id = ? AND state = 'running' AND worker IS NOT NULL GROUP BY worker""")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = rows.computeIfAbsent(rs.getString(1), Row::new);
                    r.claims = rs.getInt(2);
                    r.lease = later(r.lease, rs.getObject(3) == null ? null : rs.getLong(3));
                }
            }
        }
        if (hasHeartbeats(conn)) {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT worker_id, beat_at, lease_until FROM worker_lease WHERE job_id = ?")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Row r = rows.get(rs.getString(1));
                        if (r != null) { // a worker that beat but never claimed in this job is not listed
                            r.beat = rs.getLong(2);
                            r.lease = later(r.lease, rs.getLong(3));
                            if (rs.getLong(3) <= r.beat) { // a clean stop: see the class comment
                                r.stopped = r.beat;
                            }
                        }
                    }
                }
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT id, host, pid, registered_at FROM worker");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Row r = rows.get(rs.getString(1));
                if (r != null) {
                    r.host = rs.getString(2);
                    r.pid = rs.getLong(3);
                    r.registered = rs.getObject(4) == null ? null : rs.getLong(4);
                }
            }
        }
        Instant now = Instant.ofEpochMilli(nowMillis);
        List<WorkerActivity> list = new ArrayList<>(rows.size());
        for (Row r : rows.values()) {
            list.add(new WorkerActivity(r.id, r.host, r.pid, instant(r.registered), instant(r.beat), instant(r.lease),
                    instant(r.stopped), r.claims, r.done, r.failed, r.recent, instant(r.firstEvent),
                    instant(r.lastEvent), now));
        }
        return list;
    }

    /** Whether the checkpoint has {@code worker_lease} (schema version 3; an older one read-only has not). */
    private static boolean hasHeartbeats(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'worker_lease'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private static Long later(Long a, Long b) {
        return a == null ? b : b == null ? a : Math.max(a, b);
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    /** One worker's figures while they are gathered. */
    private static final class Row {
        final String id;
        String host;
        long pid = -1;
        Long registered;
        Long beat;
        Long lease;
        Long stopped;
        Long firstEvent;
        Long lastEvent;
        int claims;
        long done;
        long failed;
        long recent;

        Row(String id) {
            this.id = id;
        }
    }
}
