package dev.cairn.store.sqlite;

import static dev.cairn.store.sqlite.PlanWriter.setNullable;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.Claim;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.FeatureIssue;
import dev.cairn.engine.LeaseLostException;
import dev.cairn.engine.Outcome;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The state changes of claimed assets, each with its event row. Every method runs inside the
 * write transaction of its caller ({@link SqliteStore}), which commits or rolls back both rows.
 * Every statement is confined to the job of the store's handle ({@link #bind}): a claim never
 * reaches another job's asset, and a fenced change matches the job as well as the claim.
 *
 * <p>The claim, complete, fail and release statements run once per asset: they are prepared
 * once per connection ({@link StatementCache}). Not thread-safe; the store serializes its calls.
 */
final class TransitionWriter implements AutoCloseable {

    /** The detail of the 'released' event of a claim fetched in advance and never handed out. */
    static final String PREFETCH_RELEASED = "prefetched, not handed out";

    /**
     * The best {@code k} candidates, pending or running with an expired lease; the larger input
     * wins, then planning order. Each half reads one index range of {@code asset_claim}: the
     * pending half stops after its first {@code k} rows, the running half scans the running rows
     * (those of live workers, and their claims fetched in advance or done but not yet recorded:
     * a few hundred at most) and reads each one's lease from the table, so it is run once per
     * batch of claims, not once per claim: with up to 64 claims a batch that took a third of the
     * claim time of 2 workers on a no-op processor. A claim costs about the same with 10 or
     * 100,000 assets. Claiming the {@code k} candidates one after the other in one transaction
     * gives what {@code k} successive claims at the same time would: claiming a row adds no
     * candidate.
     */
    private static final String CLAIM_CANDIDATES = """
            SELECT id, input, part, output, input_size, input_mtime, seq, state, worker, attempt, lease_until
            FROM (SELECT * FROM asset WHERE job_id = ? AND state = 'pending' ORDER BY input_size DESC, seq LIMIT ?)
            UNION ALL
            SELECT id, input, part, output, input_size, input_mtime, seq, state, worker, attempt, lease_until
            FROM (SELECT * FROM asset WHERE job_id = ? AND state = 'running' AND lease_until < ?
                  ORDER BY input_size DESC, seq LIMIT ?)
            ORDER BY input_size DESC, seq LIMIT ?""";

    private static final String CLAIM = """
            UPDATE asset SET state = 'running', worker = ?, lease_until = ?, attempt = attempt + 1, updated_at = ?
            WHERE job_id = ? AND id = ? AND (state = 'pending' OR (state = 'running' AND lease_until < ?))""";

    private static final String HEARTBEAT = """
            UPDATE asset SET lease_until = max(lease_until, ?) WHERE job_id = ? AND state = 'running' AND worker = ?""";

    /** The fencing condition: only the claim holding the latest attempt may change the row. */
    private static final String FENCE =
            " WHERE job_id = ? AND id = ? AND state = 'running' AND worker = ? AND attempt = ?";

    private static final String COMPLETE = """
            UPDATE asset SET state = 'done', lease_until = NULL, features = ?, skipped = ?, checksum = ?,
                error_class = NULL, message = NULL, transient = 0, updated_at = ?""" + FENCE;

    private static final String FAIL = """
            UPDATE asset SET state = 'failed', lease_until = NULL, error_class = ?, message = ?, transient = ?,
                tries = tries + ?, updated_at = ?""" + FENCE;

    private static final String RELEASE = """
            UPDATE asset SET state = 'pending', worker = NULL, lease_until = NULL, updated_at = ?""" + FENCE;

    private static final String INSERT_EVENT = """
            INSERT INTO event (job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

    /**
     * One event per asset of the job matching the appended condition; binds at, kind, detail,
     * fingerprint, the job, then the condition's parameter.
     */
    private static final String INSERT_EVENTS_WHERE = """
            INSERT INTO event (job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
            SELECT job_id, ?, id, ?, worker, attempt,
                coalesce(?, 'was ' || state || coalesce(' (' || error_class || ')', '')), ?
            FROM asset WHERE job_id = ? AND\s""";

    /** Binds now, the job, then the condition's parameter. */
    private static final String RECOVER_WHERE = """
            UPDATE asset SET state = 'pending', worker = NULL, lease_until = NULL, updated_at = ?
            WHERE job_id = ? AND\s""";

    private static final String RESET_WHERE = """
            UPDATE asset SET state = 'pending', worker = NULL, lease_until = NULL, error_class = NULL,
                message = NULL, transient = 0, features = 0, skipped = 0, checksum = NULL, updated_at = ?
            WHERE job_id = ? AND\s""";

    private final Connection conn;
    private final PlanBlocks blocks;
    private final StatementCache statements;
    private String jobId = JobTable.NO_JOB;
    private String fingerprint;

    TransitionWriter(Connection conn, PlanBlocks blocks) {
        this.conn = conn;
        this.blocks = blocks;
        this.statements = new StatementCache(conn);
    }

    /** Confines the following calls to {@code jobId} ({@link JobTable#NO_JOB} for none); its events carry {@code fingerprint}. */
    void bind(String jobId, String fingerprint) {
        this.jobId = jobId;
        this.fingerprint = fingerprint;
    }

    /** A claim candidate as it was read. */
    private record Candidate(Asset asset, long seq, String previousState, String previousWorker, int attempt,
                             long previousLease) {
    }

    /**
     * Claims the best {@code k} candidates (fewer when fewer are claimable) until
     * {@code untilMillis}, best first; an expired claim taken over gets a 'recovered' event. The
     * candidates are rows (pending, or running with an expired lease) and the next assets of the
     * job's plan blocks ({@link PlanBlocks#upcoming}), merged in claim order: a block's asset
     * claimed becomes its row, inserted as running.
     */
    List<Claim> claim(String workerId, long nowMillis, long untilMillis, int k) throws SQLException {
        PreparedStatement candidates = prepared(CLAIM_CANDIDATES);
        candidates.setString(1, jobId);
        candidates.setInt(2, k);
        candidates.setString(3, jobId);
        candidates.setLong(4, nowMillis);
        candidates.setInt(5, k);
        candidates.setInt(6, k);
        List<Candidate> found = new ArrayList<>(k);
        try (ResultSet rs = candidates.executeQuery()) {
            while (rs.next()) {
                Asset asset = new Asset(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6));
                found.add(new Candidate(asset, rs.getLong(7), rs.getString(8), rs.getString(9), rs.getInt(10) + 1,
                        rs.getLong(11)));
            }
        }
        List<PlanBlocks.Upcoming> upcoming = blocks.upcoming(jobId, k);
        List<Claim> claims = new ArrayList<>(k);
        List<PlanBlocks.Upcoming> taken = new ArrayList<>();
        int r = 0;
        int b = 0;
        while (claims.size() < k && (r < found.size() || b < upcoming.size())) {
            boolean fromBlock = r == found.size() || (b < upcoming.size()
                    && dev.cairn.engine.PlanBlockCodec.CLAIM_ORDER.compare(upcoming.get(b).entry(),
                    new dev.cairn.engine.PlanBlockCodec.Entry(found.get(r).seq(), found.get(r).asset())) < 0);
            if (fromBlock) {
                PlanBlocks.Upcoming u = upcoming.get(b++);
                blocks.insertRunning(jobId, u.entry(), workerId, nowMillis, untilMillis);
                event(nowMillis, u.entry().asset().id(), "claimed", workerId, 1, null);
                claims.add(new Claim(u.entry().asset(), workerId, 1, Instant.ofEpochMilli(untilMillis)));
                taken.add(u);
            } else {
                claims.add(claim(workerId, nowMillis, untilMillis, found.get(r++)));
            }
        }
        if (!taken.isEmpty()) {
            blocks.advance(jobId, taken);
        }
        return claims;
    }

    private Claim claim(String workerId, long nowMillis, long untilMillis, Candidate c) throws SQLException {
        Asset asset = c.asset();
        String previousState = c.previousState();
        String previousWorker = c.previousWorker();
        int attempt = c.attempt();
        long previousLease = c.previousLease();
        PreparedStatement claim = prepared(CLAIM);
        claim.setString(1, workerId);
        claim.setLong(2, untilMillis);
        claim.setLong(3, nowMillis);
        claim.setString(4, jobId);
        claim.setString(5, asset.id());
        claim.setLong(6, nowMillis);
        if (claim.executeUpdate() != 1) {
            // cannot happen inside BEGIN IMMEDIATE; fail loudly rather than hand out a shared claim
            throw new IllegalStateException("Claim candidate " + asset.id() + " changed inside its transaction");
        }
        String detail = null;
        if (AssetState.RUNNING.key().equals(previousState)) {
            detail = "took over from " + previousWorker + " (attempt " + (attempt - 1) + ")";
            event(nowMillis, asset.id(), "recovered", previousWorker, attempt - 1,
                    "lease expired at " + Instant.ofEpochMilli(previousLease));
        }
        event(nowMillis, asset.id(), "claimed", workerId, attempt, detail);
        return new Claim(asset, workerId, attempt, Instant.ofEpochMilli(untilMillis));
    }

    /** Extends (never shortens) the leases of the worker's claims. */
    void heartbeat(String workerId, long untilMillis) throws SQLException {
        PreparedStatement ps = prepared(HEARTBEAT);
        ps.setLong(1, untilMillis);
        ps.setString(2, jobId);
        ps.setString(3, workerId);
        ps.executeUpdate();
    }

    void complete(Claim claim, Outcome outcome, long nowMillis) throws SQLException {
        PreparedStatement ps = prepared(COMPLETE);
        ps.setLong(1, outcome.items());
        ps.setLong(2, outcome.skipped());
        setNullable(ps, 3, outcome.checksum());
        ps.setLong(4, nowMillis);
        fence(ps, 5, claim);
        event(nowMillis, claim.asset().id(), "done", claim.workerId(), claim.attempt(),
                "features=" + outcome.items() + " skipped=" + outcome.skipped());
        for (FeatureIssue issue : outcome.issues()) {
            event(nowMillis, claim.asset().id(), issue.action().eventKind(), claim.workerId(), claim.attempt(),
                    issue.errorClass().key() + " " + issue.message());
        }
    }

    void fail(Claim claim, ErrorClass errorClass, String message, boolean transientFailure, int tries,
              long nowMillis) throws SQLException {
        PreparedStatement ps = prepared(FAIL);
        ps.setString(1, errorClass.key());
        setNullable(ps, 2, message);
        ps.setInt(3, transientFailure ? 1 : 0);
        ps.setInt(4, tries);
        ps.setLong(5, nowMillis);
        fence(ps, 6, claim);
        event(nowMillis, claim.asset().id(), "failed", claim.workerId(), claim.attempt(),
                errorClass.key() + (transientFailure ? " (transient)" : "") + ": " + message);
    }

    /** Puts the claimed asset back to pending; {@code detail} (or null) goes in its 'released' event. */
    void release(Claim claim, long nowMillis, String detail) throws SQLException {
        PreparedStatement ps = prepared(RELEASE);
        ps.setLong(1, nowMillis);
        fence(ps, 2, claim);
        event(nowMillis, claim.asset().id(), "released", claim.workerId(), claim.attempt(), detail);
    }

    /** Puts the worker's running claims back to pending, keeping their attempt so late results are fenced off. */
    int releaseClaimsOf(String workerId, String reason, long nowMillis) throws SQLException {
        return toPending("state = 'running' AND worker = ?", workerId, "recovered", reason, RECOVER_WHERE,
                nowMillis);
    }

    /** Puts the assets matching {@code condition} back to pending, clearing claim, error and outcome. */
    int reset(String condition, String parameter, long nowMillis) throws SQLException {
        return toPending(condition, parameter, "reset", null, RESET_WHERE, nowMillis);
    }

    /**
     * See CheckpointStore#removeUnplanned; the caller has dissolved the plan blocks holding
     * unplanned assets. The ids of the rows that may go are read and checked against
     * {@code planned} here, and only those that go are written to a temp table for the delete
     * (writing every planned id there cost 2.5 s for a million, on every run).
     */
    int removeUnplanned(Set<String> planned, long nowMillis) throws SQLException {
        List<String> unplanned = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT id FROM asset WHERE job_id = ? AND state <> 'running'")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    if (!planned.contains(id)) {
                        unplanned.add(id);
                    }
                }
            }
        }
        if (unplanned.isEmpty()) {
            return 0;
        }
        try (java.sql.Statement st = conn.createStatement()) {
            st.execute("CREATE TEMP TABLE IF NOT EXISTS unplanned_id (id TEXT PRIMARY KEY)");
            st.execute("DELETE FROM unplanned_id");
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT OR IGNORE INTO unplanned_id VALUES (?)")) {
            for (String id : unplanned) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        String condition = "state <> 'running' AND id IN (SELECT id FROM unplanned_id)";
        try (PreparedStatement ps = conn.prepareStatement(INSERT_EVENTS_WHERE + condition + " ORDER BY seq")) {
            ps.setLong(1, nowMillis);
            ps.setString(2, "removed");
            ps.setString(3, "no longer in the plan");
            setNullable(ps, 4, fingerprint);
            ps.setString(5, jobId);
            ps.executeUpdate();
        }
        int removed;
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM asset WHERE job_id = ? AND " + condition)) {
            ps.setString(1, jobId);
            removed = ps.executeUpdate();
        }
        try (java.sql.Statement st = conn.createStatement()) {
            st.execute("DELETE FROM unplanned_id");
        }
        return removed;
    }

    /** Puts each listed done or failed asset back to pending, with {@code reason} as its event detail. */
    int resetIds(Collection<String> ids, String reason, long nowMillis) throws SQLException {
        int reset = 0;
        for (String id : ids) {
            reset += toPending("id = ? AND state IN ('done', 'failed')", id, "reset", reason, RESET_WHERE, nowMillis);
        }
        return reset;
    }

    /** Events first (they read the old state), then the update; {@code condition} has at most one parameter. */
    private int toPending(String condition, String parameter, String kind, String detail, String update,
                          long nowMillis) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(INSERT_EVENTS_WHERE + "(" + condition + ") ORDER BY seq")) {
            ps.setLong(1, nowMillis);
            ps.setString(2, kind);
            setNullable(ps, 3, detail);
            setNullable(ps, 4, fingerprint);
            ps.setString(5, jobId);
            if (parameter != null) {
                ps.setString(6, parameter);
            }
            ps.executeUpdate();
        }
        try (PreparedStatement ps = conn.prepareStatement(update + "(" + condition + ")")) {
            ps.setLong(1, nowMillis);
            ps.setString(2, jobId);
            if (parameter != null) {
                ps.setString(3, parameter);
            }
            return ps.executeUpdate();
        }
    }

    /** Binds the fence (job, id, worker, attempt) from {@code index} on and runs the update; no row means the lease is lost. */
    private void fence(PreparedStatement ps, int index, Claim claim) throws SQLException {
        ps.setString(index, jobId);
        ps.setString(index + 1, claim.asset().id());
        ps.setString(index + 2, claim.workerId());
        ps.setInt(index + 3, claim.attempt());
        if (ps.executeUpdate() == 0) {
            throw new LeaseLostException(claim.asset().id(), claim.workerId(), claim.attempt());
        }
    }

    private void event(long at, String assetId, String kind, String worker, int attempt, String detail)
            throws SQLException {
        PreparedStatement ps = prepared(INSERT_EVENT);
        ps.setString(1, jobId);
        ps.setLong(2, at);
        setNullable(ps, 3, assetId);
        ps.setString(4, kind);
        setNullable(ps, 5, worker);
        ps.setInt(6, attempt);
        setNullable(ps, 7, detail);
        setNullable(ps, 8, fingerprint);
        ps.executeUpdate();
    }

    private PreparedStatement prepared(String sql) throws SQLException {
        return statements.get(sql);
    }

    @Override
    public void close() throws SQLException {
        statements.close();
    }
}
