package dev.cairn.store.postgresql;

import dev.cairn.engine.Claim;
import dev.cairn.engine.Completion;
import dev.cairn.engine.FeatureIssue;
import dev.cairn.engine.Outcome;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The completions of a {@link PostgresStore}: one statement marks a batch of claimed assets done,
 * each row fenced on its own (job, id, {@code running}, worker, attempt), and writes the events
 * of the rows it updated (a {@code done} event each, and one per feature issue). Used for a group
 * commit of {@code complete} calls and for {@code completeAll}; runs inside the store's session
 * (which retries, and on a replay checks what the lost try applied).
 */
final class PgCompletions {

    /** Binds the store's now to a statement parameter. */
    @FunctionalInterface
    interface TimeBinder {
        void bind(PreparedStatement ps, int index) throws SQLException;
    }

    /**
     * The completions of one group commit in one statement: each row of {@code r} is fenced on its
     * own, and only the rows it updated get their events. Binds now, the arrays of r (id, worker,
     * attempt, features, skipped, checksum), the job, the fingerprint, then the events' arrays
     * (request number, kind, detail). Returns the numbers of the requests that committed.
     * This form is for small batches (the {@code complete} calls of a few threads); large ones
     * use {@link #COMPLETE_MANY}.
     */
    private static final String COMPLETE_ALL = completeAll("a.state");

    /** The batch size from which {@link #COMPLETE_MANY} is used instead of {@link #COMPLETE_ALL}. */
    static final int MANY_COMPLETIONS = 16;

    /**
     * {@link #COMPLETE_ALL} for large batches ({@link #MANY_COMPLETIONS} and more: those of a
     * {@link dev.cairn.engine.Runner}'s committer). The fence compares {@code a.state || ''}, not
     * {@code a.state}: with the plain comparison the planner (which sees almost no running rows
     * in the statistics) scanned the partial index {@code asset_running_worker} once and compared
     * every running row with every request (64 × 160 comparisons for a batch of 64, half the
     * statement's time); this way it looks each request up by the primary key. A batch of 64 went
     * from about 10 ms to about 5 ms (auto_explain, benchmark of 2 workers, busy machine). For
     * batches of one or two (2 threads calling {@code complete}) the plain form was faster: 3,954
     * and 3,039 claims+completions/s against 2,067 and 2,217 with this one, runs alternated.
     */
    private static final String COMPLETE_MANY = completeAll("(a.state || '')");

    /** The statement of {@link #COMPLETE_ALL} with {@code state} as the expression the fence compares. */
    private static String completeAll(String state) {
        return """
            WITH t AS (SELECT %s AS now),
            r AS (
                SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS int[]), CAST(? AS bigint[]),
                                     CAST(? AS bigint[]), CAST(? AS text[]))
                    WITH ORDINALITY AS r(id, worker, attempt, features, skipped, checksum, n)),
            u AS (
                UPDATE cairn.asset a SET state = 'done', lease_until = NULL, features = r.features, skipped = r.skipped,
                    checksum = r.checksum, error_class = NULL, message = NULL, transient = false, updated_at = t.now
                FROM r, t
                WHERE a.job_id = ? AND a.id = r.id AND %s = 'running' AND a.worker = r.worker AND a.attempt = r.attempt
                RETURNING a.job_id, a.id, r.n, r.worker, r.attempt, t.now),
            e AS (
                INSERT INTO cairn.event (job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
                SELECT u.job_id, u.now, u.id, e.kind, u.worker, u.attempt, e.detail, ?
                FROM u JOIN unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]))
                    WITH ORDINALITY AS e(n, kind, detail, k) ON e.n = u.n
                ORDER BY u.n, e.k)
            SELECT n FROM u""".formatted(PostgresStore.NOW, state);
    }

    private PgCompletions() {
    }

    /**
     * Runs the statement for {@code batch} on {@code c} and returns the numbers (1-based, in the
     * order of {@code batch}) of the completions whose fenced update matched their row.
     */
    static Set<Long> update(Connection c, List<Completion> batch, String jobId, String fingerprint, TimeBinder time)
            throws SQLException {
        int n = batch.size();
        Object[] ids = new Object[n];
        Object[] workers = new Object[n];
        Object[] attempts = new Object[n];
        Object[] features = new Object[n];
        Object[] skipped = new Object[n];
        Object[] checksums = new Object[n];
        List<Object> eventOf = new ArrayList<>();
        List<Object> kinds = new ArrayList<>();
        List<Object> details = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Claim claim = batch.get(i).claim();
            Outcome outcome = batch.get(i).outcome();
            ids[i] = claim.asset().id();
            workers[i] = claim.workerId();
            attempts[i] = claim.attempt();
            features[i] = outcome.items();
            skipped[i] = outcome.skipped();
            checksums[i] = outcome.checksum();
            eventOf.add((long) i + 1);
            kinds.add("done");
            details.add("features=" + outcome.items() + " skipped=" + outcome.skipped());
            for (FeatureIssue issue : outcome.issues()) {
                eventOf.add((long) i + 1);
                kinds.add(issue.action().eventKind());
                details.add(issue.errorClass().key() + " " + issue.message());
            }
        }
        Set<Long> committed = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(n < MANY_COMPLETIONS ? COMPLETE_ALL : COMPLETE_MANY)) {
            time.bind(ps, 1);
            ps.setArray(2, c.createArrayOf("text", ids));
            ps.setArray(3, c.createArrayOf("text", workers));
            ps.setArray(4, c.createArrayOf("int4", attempts));
            ps.setArray(5, c.createArrayOf("int8", features));
            ps.setArray(6, c.createArrayOf("int8", skipped));
            ps.setArray(7, c.createArrayOf("text", checksums));
            ps.setString(8, jobId);
            PlanRows.setNullable(ps, 9, fingerprint);
            ps.setArray(10, c.createArrayOf("int8", eventOf.toArray()));
            ps.setArray(11, c.createArrayOf("text", kinds.toArray()));
            ps.setArray(12, c.createArrayOf("text", details.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    committed.add(rs.getLong(1));
                }
            }
        }
        return committed;
    }
}
