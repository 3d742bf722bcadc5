package dev.cairn.store.postgresql;

import dev.cairn.engine.Claim;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The claim path of {@link PostgresStore}: one batch of claims for one worker, in one statement
 * ({@link #CLAIM}: the largest pending inputs, or the largest expired running ones, locked
 * {@code FOR UPDATE SKIP LOCKED}, updated to {@code running} with the next attempt, and their
 * {@code claimed} and {@code recovered} events), bounded by the first plan block not dissolved
 * ({@link PgPlanBlocks}); and the adoption of the rows a lost try claimed. Runs on the store's
 * connection, in auto-commit, inside the store's retrying session; the store keeps the local
 * queues the batches fill. Stateless.
 */
final class PgClaims {

    /**
     * Binds 1 now, 2 the job, 3–5 the head of the plan blocks (size twice, seq: no pending row
     * after it is taken; see {@link PgPlanBlocks}), 6 k, 7 job, 8 k, 9 job, 10 k, 11 worker,
     * 12 lease ms, 13 job, 14 fingerprint.
     */
    static final String CLAIM = """
            WITH t AS (SELECT %s AS now),
            pending AS (
                SELECT a.id, a.state, a.worker, a.lease_until, a.input_size, a.seq
                FROM cairn.asset a WHERE a.job_id = ? AND a.state = 'pending'
                    AND a.input_size >= ? AND (a.input_size > ? OR a.seq < ?)
                ORDER BY a.input_size DESC, a.seq LIMIT ? FOR UPDATE SKIP LOCKED),
            expired AS (
                SELECT a.id, a.state, a.worker, a.lease_until, a.input_size, a.seq
                FROM cairn.asset a, t WHERE a.job_id = ? AND a.state = 'running' AND a.lease_until < t.now
                ORDER BY a.input_size DESC, a.seq LIMIT ? FOR UPDATE OF a SKIP LOCKED),
            picked AS (
                SELECT CAST(? AS text) AS job_id, o.id, o.state AS old_state, o.worker AS old_worker,
                    o.lease_until AS old_lease
                FROM (SELECT * FROM pending UNION ALL SELECT * FROM expired) o
                ORDER BY o.input_size DESC, o.seq LIMIT ?),
            claimed AS (
                UPDATE cairn.asset a SET state = 'running', worker = ?, lease_until = t.now + ? * interval '1 millisecond',
                    attempt = a.attempt + 1, updated_at = t.now
                FROM picked p, t
                WHERE a.job_id = p.job_id AND a.id = p.id
                RETURNING a.id, a.input, a.part, a.output, a.input_size, a.input_mtime, a.attempt, a.lease_until, a.seq,
                    p.old_state, p.old_worker, p.old_lease, t.now, a.worker),
            events AS (
                INSERT INTO cairn.event (job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
                SELECT ?, c.now, c.id, e.kind, e.worker, e.attempt, e.detail, ?
                FROM claimed c CROSS JOIN LATERAL (VALUES
                    (1, 'recovered', c.old_worker, c.attempt - 1,
                        'lease expired at ' || to_char(c.old_lease AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
                    (2, 'claimed', c.worker, c.attempt,
                        CASE WHEN c.old_state = 'running'
                             THEN 'took over from ' || c.old_worker || ' (attempt ' || (c.attempt - 1) || ')' END)
                ) AS e(n, kind, worker, attempt, detail)
                WHERE e.n = 2 OR c.old_state = 'running'
                ORDER BY c.input_size DESC, c.seq, e.n)
            SELECT id, input, part, output, input_size, input_mtime, attempt, lease_until, seq FROM claimed
            ORDER BY input_size DESC, seq""".formatted(PostgresStore.NOW);

    private PgClaims() {
    }

    /**
     * Claims up to {@code k} assets of the job for {@code workerId} into {@code into}, in claim
     * order. Rows after the first plan block in claim order wait until it is dissolved: a batch
     * that comes short of k while a block remains dissolves that block and claims the rest.
     * With a {@code dissolver}, the next block is dissolved ahead of the claims on its own connection.
     */
    static void claim(Connection c, String jobId, String fingerprint, String workerId, Duration lease, int k,
                      PgCompletions.TimeBinder time, PgBlockDissolver dissolver, List<Claim> into)
            throws SQLException {
        PgPlanBlocks.Head head = PgPlanBlocks.head(c, jobId);
        PgPlanBlocks.Head last = fetch(c, jobId, fingerprint, workerId, lease, k, head, time, into);
        while (into.size() < k && head != PgPlanBlocks.Head.NONE) {
            PgPlanBlocks.dissolveForClaim(c, jobId, head);
            if (dissolver != null) {
                dissolver.dissolved(head);
            }
            head = PgPlanBlocks.head(c, jobId);
            PgPlanBlocks.Head more = fetch(c, jobId, fingerprint, workerId, lease, k - into.size(), head, time, into);
            last = more == null ? last : more;
        }
        if (head != PgPlanBlocks.Head.NONE && dissolver != null) {
            dissolver.claimed(jobId, last);
        }
    }

    /** Claims up to k rows into {@code into}; returns the claim order key of the last pending one, or null. */
    private static PgPlanBlocks.Head fetch(Connection c, String jobId, String fingerprint, String workerId,
                                           Duration lease, int k, PgPlanBlocks.Head head,
                                           PgCompletions.TimeBinder time, List<Claim> into) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            time.bind(ps, 1);
            ps.setString(2, jobId);
            ps.setLong(3, head.size());
            ps.setLong(4, head.size());
            ps.setLong(5, head.seq());
            ps.setInt(6, k);
            ps.setString(7, jobId);
            ps.setInt(8, k);
            ps.setString(9, jobId);
            ps.setInt(10, k);
            ps.setString(11, workerId);
            ps.setLong(12, lease.toMillis());
            ps.setString(13, jobId);
            PlanRows.setNullable(ps, 14, fingerprint);
            PgPlanBlocks.Head last = null;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.add(new Claim(ReadRows.asset(rs), workerId, rs.getInt(7), ReadRows.instant(rs, 8)));
                    last = new PgPlanBlocks.Head(0, rs.getLong(5), rs.getLong(9));
                }
            }
            return last;
        }
    }

    /**
     * After a claim whose outcome is unknown (the connection broke): takes into {@code into} the
     * rows running for {@code workerId} whose ids are not in {@code held} (what the handle has
     * handed out or queued), i.e. those the lost try claimed. Returns how many.
     */
    static int adoptOrphans(Connection c, String jobId, String workerId, Set<String> held, List<Claim> into)
            throws SQLException {
        int adopted = 0;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, input, part, output, input_size, input_mtime, attempt, lease_until FROM cairn.asset
                WHERE job_id = ? AND state = 'running' AND worker = ? ORDER BY input_size DESC, seq""")) {
            ps.setString(1, jobId);
            ps.setString(2, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!held.contains(rs.getString(1))) {
                        into.add(new Claim(ReadRows.asset(rs), workerId, rs.getInt(7), ReadRows.instant(rs, 8)));
                        adopted++;
                    }
                }
            }
        }
        return adopted;
    }
}
