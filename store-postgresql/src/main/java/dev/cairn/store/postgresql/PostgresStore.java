package dev.cairn.store.postgresql;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.Claim;
import dev.cairn.engine.Completion;
import dev.cairn.engine.ClaimQueue;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Event;
import dev.cairn.engine.FeatureIssueRecord;
import dev.cairn.engine.GroupCommit;
import dev.cairn.engine.JobRecord;
import dev.cairn.engine.LeaseLostException;
import dev.cairn.engine.NoSuchCheckpointException;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.PlanSummary;
import dev.cairn.engine.StagingLock;
import dev.cairn.engine.StoreException;
import dev.cairn.engine.WorkerActivity;
import dev.cairn.engine.WorkerInfo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The shared checkpoint store: the schema {@code cairn} of one PostgreSQL database, used at once
 * by worker processes on many machines, with the semantics of the SQLite store for everything
 * {@link CheckpointStore} says. The database may hold several jobs; an instance is a handle bound
 * to one of them, as {@link CheckpointStore} describes.
 *
 * <p><b>Time.</b> Every lease, event and update time is the server's {@code now()} (the start of
 * the statement's transaction), never this machine's clock: the machines sharing the store do not
 * agree on the time. Only the tests of the store contract inject a {@link Clock}
 * ({@link #open(PostgresLocation, String, boolean, Clock)}), bound as the statement's time
 * instead of {@code now()}.
 *
 * <p><b>Claims</b> are fetched in batches: a handle keeps, per worker id, a local queue of claims
 * already committed as {@code running} for that worker, filled by one round trip:
 * <pre>
 * WITH pending AS (SELECT … WHERE state = 'pending' ORDER BY input_size DESC, seq LIMIT k FOR UPDATE SKIP LOCKED),
 *      expired AS (SELECT … WHERE state = 'running' AND lease_until &lt; now … LIMIT k FOR UPDATE SKIP LOCKED),
 *      picked  AS (the best k of both),
 *      claimed AS (UPDATE cairn.asset … FROM picked … RETURNING …),
 *      events  AS (INSERT INTO cairn.event … one 'claimed' (and 'recovered') per row)
 * SELECT * FROM claimed
 * </pre>
 * {@code SKIP LOCKED} lets concurrent claimers pass each other's rows without waiting, and no
 * row is handed to two claims. The batch size {@code k} is a {@link ClaimQueue}'s: it starts at 1
 * for each worker and doubles (to {@link #MAX_BATCH}) at each full batch while the worker races
 * through tiny assets (its last claims handed out within a tenth of a second), falling back to 1
 * when a batch came back short or the pace drops: a worker that claims
 * one asset takes one, so that two workers claiming once each get one asset each, as the
 * contract wants, a busy worker makes one round trip per up to 64 claims, and a worker on slow
 * assets does not hoard work another machine could do. Prefetched claims are heartbeaten with the worker's others; {@link #close()} puts
 * those not handed out back to {@code pending} (a {@code released} event each, detail
 * {@link #PREFETCH_RELEASED}), and so does every method other than the claim loop's (claim,
 * heartbeat, complete, fail, release) before it reads or changes the job, so that this handle
 * shows an asset as running only once handed out, as the SQLite store does; if the process dies
 * they expire with their lease. A claim handed out from the queue carries the lease of its batch;
 * heartbeats extend the row, not the {@link Claim} object.
 *
 * <p><b>Group commit.</b> The {@link #complete} calls that a handle's threads make while another
 * completion is being committed are gathered ({@link GroupCommit}) and committed by one statement
 * ({@link PgCompletions}: {@code UPDATE … FROM unnest(…)} with each row fenced on its own, and
 * the events of the rows it updated); a caller whose row was not updated gets
 * {@link LeaseLostException}, the others return once the statement has committed. A claim handed
 * out from the queue takes only the queue's lock, so it does not wait for a commit.
 * {@link #completeAll} commits a list of completions by the same statement and returns the
 * result of each: what a {@link dev.cairn.engine.Runner} uses, its completions committed behind
 * its worker threads.
 *
 * <p><b>Fencing.</b> {@link #complete}, {@link #fail} and {@link #release} are one statement each
 * that updates the row only
 * {@code WHERE job_id = ? AND id = ? AND state = 'running' AND worker = ? AND attempt = ?}, and
 * writes its events from the updated row in the same statement: a worker that lost its lease (GC
 * pause, partition, frozen VM) gets {@link LeaseLostException} and changes nothing.
 *
 * <p><b>Transient errors</b> (connection lost or reset, server restart, failover, serialization
 * failure, deadlock) are retried by {@link PgSession} on a new connection. A retry never applies a
 * change twice: a replayed {@link #complete}/{@link #fail}/{@link #release} whose first try did
 * commit finds the row already in the state it would have written, with the same worker and
 * attempt, and returns as a no-op; a replayed claim first adopts the rows an earlier try claimed
 * for the worker but never handed out; planning, resets and removal are idempotent; a replayed
 * {@link #createJob} that finds its own job recorded returns.
 *
 * <p><b>Concurrency.</b> One connection per handle; its methods are synchronized, so the threads
 * of one runner share it (a claim batch and a commit are each one round trip). Handles in other
 * processes are serialized by row locks only.
 *
 * <p><b>Schema, version 3</b> ({@code schema-v3.sql}, created on first open by
 * {@link PostgresSchema}, which also migrates and refuses newer versions):
 * <pre>
 * cairn.schema_version(version)                     one row: 2; a newer version is refused
 * cairn.job(id PK, seq IDENTITY UNIQUE,             every job; seq = order of creation
 *           fingerprint, kind, created_at)
 *  └─ cairn.job_option(job_id → job.id, key, value) the spec, PK (job_id, key)
 * cairn.asset(job_id, id, PK (job_id, id),          job_id '' = planned with no job bound
 *             seq,                                  planning order within the job
 *             input, part, output, input_size, input_mtime,      what to do, input fingerprint
 *             state pending|running|done|failed,
 *             worker, lease_until timestamptz, attempt,          the claim; attempt = fencing token
 *             tries, error_class, message, transient,            the dead letter
 *             features, skipped, checksum, updated_at)           the outcome
 *   unique index asset_seq (job_id, seq)                              assets()
 *   index asset_claim (job_id, state, input_size DESC, seq)           claim(), counts()
 *   index asset_running_worker (job_id, worker) WHERE state='running' heartbeat(), recovery
 * cairn.worker(id PK, host, pid, process_start,     store-wide: a process may serve
 *              registered_at)                       several jobs
 * cairn.worker_lease(job_id, worker_id, PK (both), last heartbeat of a worker in a
 *                    beat_at, lease_until)          job, the lease it asked for (WorkerRows)
 * cairn.event(seq IDENTITY PK, job_id, at,          append-only lineage; fingerprint is the
 *             asset_id, kind, worker, attempt,      job's at the time of the event
 *             detail, fingerprint)
 *   index event_job (job_id, seq)                                     events(), featureIssues()
 * cairn.plan_block(job_id, block_no, PK (both),     a large plan's new assets, 4,096 per row,
 *                  head_size, head_seq, min_seq,    until claims reach them; their planned
 *                  max_seq, assets, event_delta,    events stay here (see {@link PgPlanBlocks})
 *                  planned_at, fingerprint,
 *                  payload, dissolved)
 *   index plan_block_head (job_id, head_size DESC, head_seq) WHERE NOT dissolved    claim()
 * </pre>
 */
public final class PostgresStore implements CheckpointStore {

    /** The detail of the 'released' event of a prefetched claim that was never handed out. */
    static final String PREFETCH_RELEASED = "prefetched, not handed out";

    /** The largest claim batch. */
    static final int MAX_BATCH = ClaimQueue.MAX_BATCH;

    /** The statement's time: the bound test time, or the server's now(). */
    static final String NOW = "coalesce(CAST(? AS timestamptz), now())";

    private static final String HEARTBEAT = """
            UPDATE cairn.asset SET lease_until = greatest(lease_until, %s + ? * interval '1 millisecond')
            WHERE job_id = ? AND state = 'running' AND worker = ?""".formatted(NOW);

    /** The fencing condition: only the claim holding the latest attempt may change the row. */
    private static final String FENCE =
            " FROM t WHERE a.job_id = ? AND a.id = ? AND a.state = 'running' AND a.worker = ? AND a.attempt = ?"
                    + " RETURNING a.job_id, a.id, t.now)";

    /**
     * The events of a fenced change, from the changed row (none when the fence held nothing):
     * binds worker, attempt, fingerprint, kinds[], details[].
     */
    private static final String FENCED_EVENTS = """
            INSERT INTO cairn.event (job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
            SELECT u.job_id, u.now, u.id, e.kind, ?, ?, e.detail, ?
            FROM u CROSS JOIN unnest(CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY AS e(kind, detail, n)
            ORDER BY e.n""";

    private static final String COMPLETE = "WITH t AS (SELECT " + NOW + " AS now), u AS ("
            + "UPDATE cairn.asset a SET state = 'done', lease_until = NULL, features = ?, skipped = ?, checksum = ?,"
            + " error_class = NULL, message = NULL, transient = false, updated_at = t.now" + FENCE + FENCED_EVENTS;

    private static final String FAIL = "WITH t AS (SELECT " + NOW + " AS now), u AS ("
            + "UPDATE cairn.asset a SET state = 'failed', lease_until = NULL, error_class = ?, message = ?,"
            + " transient = ?, tries = a.tries + ?, updated_at = t.now" + FENCE + FENCED_EVENTS;

    private static final String RELEASE = "WITH t AS (SELECT " + NOW + " AS now), u AS ("
            + "UPDATE cairn.asset a SET state = 'pending', worker = NULL, lease_until = NULL, updated_at = t.now"
            + FENCE + FENCED_EVENTS;

    /**
     * Puts rows of the job back to pending with one event each, read from the row as it was;
     * {@code %s} is the extra SET list, then the condition on {@code a}. Binds now, the job, the
     * condition's parameters, then kind, detail (null: "was STATE (CLASS)"), fingerprint.
     */
    private static final String TO_PENDING = """
            WITH t AS (SELECT %s AS now),
            r AS (
                UPDATE cairn.asset a SET state = 'pending', worker = NULL, lease_until = NULL, updated_at = t.now%%s
                FROM t, cairn.asset o
                WHERE o.job_id = a.job_id AND o.id = a.id AND a.job_id = ? AND (%%s)
                RETURNING a.job_id, a.id, a.seq, o.state, o.error_class, o.worker, o.attempt, t.now)
            INSERT INTO cairn.event (job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
            SELECT r.job_id, r.now, r.id, ?, r.worker, r.attempt,
                coalesce(CAST(? AS text), 'was ' || r.state || coalesce(' (' || r.error_class || ')', '')), ?
            FROM r ORDER BY r.seq""".formatted(NOW);

    private static final String CLEAR_OUTCOME = """
            , error_class = NULL, message = NULL, transient = false, features = 0, skipped = 0, checksum = NULL""";

    private final PostgresLocation where;
    private final PgSession session;
    private final boolean readOnly;
    /** The test clock, or null: the server's now(). */
    private final Clock clock;
    /**
     * Per worker id: claims committed for it but not handed out yet. Guarded by itself (taken
     * after the store's monitor when both are held), as is {@link #handedOut}.
     */
    private final Map<String, ClaimQueue> queues = new HashMap<>();
    /** Gathers the completions of this handle's threads into one statement. */
    private final GroupCommit<Completion> completions = new GroupCommit<>(this, this::commitCompletions);
    /** Per worker id: the claims handed out and not yet completed, failed or released (asset id → attempt). */
    private final Map<String, Map<String, Integer>> handedOut = new HashMap<>();
    private JobRecord bound;
    private volatile boolean closed;
    private PgPlanBlocks.Layout planBlocks = PgPlanBlocks.Layout.DEFAULT;
    private final PgBlockDissolver dissolver;

    private PostgresStore(PostgresLocation where, boolean readOnly, Clock clock) {
        this.where = where;
        this.readOnly = readOnly;
        this.clock = clock;
        this.session = new PgSession(where, readOnly, PgSession.RETRY_FOR);
        this.dissolver = new PgBlockDissolver(where);
    }

    /**
     * Opens the store at {@code url} ({@code postgresql://host[:port]/db?...}, see
     * {@link PostgresStoreProvider}) for reading and writing, creating the schema {@code cairn}
     * when missing and migrating an older one.
     *
     * @param jobId the job to bind to: null for the most recent job (none when the store holds no
     *              job); an id the store does not hold gives an unbound handle, ready for
     *              {@link #createJob}
     * @throws StoreException if the server cannot be reached (transient, after retries), or the
     *                        schema is newer than this cairn
     */
    public static PostgresStore open(String url, String jobId) {
        return open(PostgresLocation.parse(url, System::getenv), jobId, false, null);
    }

    /**
     * Opens an existing store for reading only; writes nothing (not even the schema), and every
     * method that changes state throws {@link StoreException}.
     *
     * @throws NoSuchCheckpointException if the database holds no cairn store, or no job {@code jobId}
     */
    public static PostgresStore openReadOnly(String url, String jobId) {
        return open(PostgresLocation.parse(url, System::getenv), jobId, true, null);
    }

    /** Opens a handle; {@code clock} is null in production (the server's time), a test clock in the contract tests. */
    static PostgresStore open(PostgresLocation where, String jobId, boolean readOnly, Clock clock) {
        if (jobId != null && jobId.isBlank()) {
            throw new IllegalArgumentException("A job id must not be blank; pass null for the most recent job.");
        }
        PostgresStore store = new PostgresStore(where, readOnly, clock);
        try {
            store.session.open("open the store");
            Optional<JobRecord> job = store.session.call("read the job", (c, replay) ->
                    jobId == null ? JobRows.latest(c) : JobRows.find(c, jobId));
            if (job.isEmpty() && jobId != null && readOnly) {
                List<String> held = store.jobs().stream().map(JobRecord::id).toList();
                throw new NoSuchCheckpointException("PostgreSQL store " + where + " holds no job " + jobId
                        + (held.isEmpty() ? " (it holds no job at all)" : "; the jobs it holds are " + String.join(", ", held))
                        + ". Check the job id.");
            }
            store.bound = job.orElse(null);
            return store;
        } catch (RuntimeException e) {
            store.session.close();
            store.dissolver.close();
            throw e;
        }
    }

    /** Where this store is, as shown in messages (without the password). */
    public String location() {
        return where.display();
    }

    private String scope() {
        return bound == null ? JobRows.NO_JOB : bound.id();
    }

    private String fingerprint() {
        return bound == null ? null : bound.fingerprint();
    }

    @Override
    public synchronized Optional<JobRecord> job() {
        if (bound == null) {
            return Optional.empty();
        }
        String id = bound.id();
        return read("read the job", (c, replay) -> JobRows.find(c, id));
    }

    @Override
    public synchronized List<JobRecord> jobs() {
        return read("list the jobs", (c, replay) -> JobRows.all(c));
    }

    @Override
    public synchronized void createJob(JobRecord job) {
        if (job.id() == null || job.id().isBlank()) {
            throw new IllegalArgumentException("A job id must not be blank: " + job);
        }
        if (bound != null) {
            throw new StoreException("This handle on PostgreSQL store " + where + " is bound to job " + bound.id()
                    + " (" + bound.kind() + "); cannot record job " + job.id()
                    + " on it. Clear the job first to start over, or open another handle for the new job.", null, false);
        }
        writeTransaction("record job " + job.id(), (c, replay) -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(" + PostgresSchema.LOCK_KEY + ")")) {
                ps.execute(); // serializes job creation with the adoption of job-less rows
            }
            Optional<JobRecord> existing = JobRows.find(c, job.id());
            if (existing.isPresent()) {
                if (replay && existing.get().equals(job)) {
                    return null; // the first try committed
                }
                throw new StoreException("PostgreSQL store " + where + " already records job " + job.id() + " ("
                        + existing.get().kind() + "); open it with that job id to resume it, or clear it first"
                        + " to start over.", null, false);
            }
            JobRows.insert(c, job);
            JobRows.adoptJobLessRows(c, job.id());
            return null;
        });
        bound = job;
    }

    @Override
    public synchronized void clear() {
        settle();
        String id = scope();
        writeTransaction(bound == null ? "clear the job-less assets" : "clear job " + id, (c, replay) -> {
            JobRows.delete(c, id);
            return null;
        });
        synchronized (queues) {
            queues.clear();
            handedOut.clear();
        }
        bound = null;
    }

    @Override
    public synchronized PlanSummary plan(List<Asset> assets) {
        settle();
        String id = scope();
        String fingerprint = fingerprint();
        boolean jobBound = bound != null;
        PgPlanBlocks.Layout layout = planBlocks;
        long firstEventSeq = assets.size() < layout.threshold() ? -1
                : writeTransaction("reserve event numbers for a plan of " + assets.size() + " assets",
                (c, replay) -> PgPlanBlocks.reserveEventSeqs(c, assets.size()));
        return writeTransaction("plan " + assets.size() + " assets", (c, replay) -> {
            lockJob(c, id);
            if (jobBound && JobRows.find(c, id).isEmpty()) {
                throw new StoreException("Cannot plan job " + id + " in PostgreSQL store " + where
                        + ": another handle or process has cleared the job since this handle was bound to it."
                        + " Open the store again.", null, false);
            }
            return PlanRows.plan(c, id, fingerprint, assets, now(c), layout, firstEventSeq);
        });
    }

    @Override
    public synchronized void registerWorker(WorkerInfo worker) {
        writeTransaction("register worker " + worker.id(), (c, replay) -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO cairn.worker (id, host, pid, process_start, registered_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid,
                        process_start = excluded.process_start, registered_at = excluded.registered_at""")) {
                ps.setString(1, worker.id());
                PlanRows.setNullable(ps, 2, worker.host());
                ps.setLong(3, worker.pid());
                ps.setObject(4, offset(worker.processStart()));
                ps.setObject(5, offset(worker.registeredAt()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public synchronized List<WorkerInfo> workersWithClaims() {
        settle();
        String id = scope();
        return read("list workers", (c, replay) -> {
            List<WorkerInfo> workers = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, host, pid, process_start, registered_at FROM cairn.worker w
                    WHERE EXISTS (SELECT 1 FROM cairn.asset a
                                  WHERE a.job_id = ? AND a.state = 'running' AND a.worker = w.id)
                    ORDER BY id""")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        workers.add(new WorkerInfo(rs.getString(1), rs.getString(2), rs.getLong(3),
                                ReadRows.instant(rs, 4), ReadRows.instant(rs, 5)));
                    }
                }
            }
            return workers;
        });
    }

    @Override
    public synchronized List<WorkerActivity> workerActivity() {
        settle();
        String id = scope();
        return read("list the workers of the job",
                (c, replay) -> WorkerRows.activity(c, id, clock == null ? null : clock.instant().toString()));
    }

    /** A session-level advisory lock on a connection of its own; see {@link StagingLocks}. */
    @Override
    public StagingLock lockStaging(String key) {
        return StagingLocks.acquire(where, key);
    }

    @Override
    public synchronized int releaseClaimsOf(String workerId, String reason) {
        settle();
        int n = toPending("release the claims of worker " + workerId, "", "a.state = 'running' AND a.worker = ?",
                List.of(workerId), "recovered", reason);
        synchronized (queues) {
            queues.remove(workerId);
            handedOut.remove(workerId);
        }
        return n;
    }

    /**
     * Hands out the next claim of {@code workerId}'s local queue, filling it with one batch from
     * the database when empty; see the class comment. A claim from the queue takes only the
     * queue's lock, not the store's, so that it does not wait for a group commit in progress.
     */
    @Override
    public Optional<Claim> claim(String workerId, Duration lease) {
        Objects.requireNonNull(workerId, "workerId");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("A lease must be positive: " + lease);
        }
        synchronized (queues) {
            ensureWritable("claim an asset");
            ClaimQueue queue = queues.get(workerId);
            if (queue != null && !queue.isEmpty()) {
                return handOut(workerId, queue);
            }
        }
        synchronized (this) { // lock order: the store, then the queues
            synchronized (queues) {
                ensureWritable("claim an asset");
                ClaimQueue queue = queues.computeIfAbsent(workerId, w -> new ClaimQueue());
                if (queue.isEmpty()) {
                    String id = scope();
                    String fingerprint = fingerprint();
                    int k = queue.nextBatch();
                    List<Claim> fetched = new ArrayList<>();
                    boolean aheadDissolving = planBlocks.dissolveAhead();
                    boolean adopted = session.call("claim assets", (c, replay) -> {
                        fetched.clear();
                        if (replay && PgClaims.adoptOrphans(c, id, workerId, heldBy(workerId, queue), fetched) > 0) {
                            return true;
                        }
                        PgClaims.claim(c, id, fingerprint, workerId, lease, k, this::time,
                                aheadDissolving ? dissolver : null, fetched);
                        return false;
                    });
                    if (adopted) {
                        queue.adopt(fetched);
                    } else {
                        queue.fill(fetched, k);
                    }
                }
                return handOut(workerId, queue);
            }
        }
    }

    /** Polls the queue and records the claim as handed out; the caller holds {@link #queues}. */
    private Optional<Claim> handOut(String workerId, ClaimQueue queue) {
        Optional<Claim> claim = queue.poll();
        claim.ifPresent(cl -> handedOut.computeIfAbsent(workerId, w -> new HashMap<>())
                .put(cl.asset().id(), cl.attempt()));
        return claim;
    }

    /** The ids of {@code workerId}'s claims that this handle has handed out or queued. */
    private Set<String> heldBy(String workerId, ClaimQueue queue) {
        Set<String> known = new HashSet<>(handedOut.getOrDefault(workerId, Map.of()).keySet());
        queue.peekAll().forEach(cl -> known.add(cl.asset().id()));
        return known;
    }

    @Override
    public synchronized void heartbeat(String workerId, Duration lease) {
        ensureWritable("extend the leases of worker " + workerId);
        String id = scope();
        session.call("extend the leases of worker " + workerId, (c, replay) -> {
            try (PreparedStatement ps = c.prepareStatement(HEARTBEAT)) {
                time(ps, 1);
                ps.setLong(2, lease.toMillis());
                ps.setString(3, id);
                ps.setString(4, workerId);
                int extended = ps.executeUpdate();
                WorkerRows.beat(c, id, workerId, clock == null ? null : clock.instant().toString(), lease.toMillis());
                return extended;
            }
        });
    }

    /**
     * Group-committed with the completions of this handle's other threads: one statement
     * ({@link PgCompletions}) for all of them, each fenced on its own; see the class comment.
     */
    @Override
    public void complete(Claim claim, Outcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        completions.submit(new Completion(claim, outcome));
    }

    /**
     * One transaction for all of them, each fenced on its own, as a group commit of
     * {@link #complete} calls is; see the class comment.
     */
    @Override
    public synchronized List<RuntimeException> completeAll(List<Completion> batch) {
        return batch.isEmpty() ? List.of() : commitCompletions(List.copyOf(batch));
    }

    /** How many transactions of completions this handle committed, and how many completions they held. */
    synchronized long[] groupCommits() {
        return new long[] {completionCommits, completionsCommitted};
    }

    /** Transactions of completions committed, and the completions they held (guarded by the store's monitor). */
    private long completionCommits;
    private long completionsCommitted;

    /** Commits a batch of completions in one statement; runs holding the store's monitor. */
    private List<RuntimeException> commitCompletions(List<Completion> batch) {
        String what = batch.size() == 1 ? "mark " + batch.get(0).claim().asset().id() + " done"
                : "mark " + batch.size() + " assets done";
        ensureWritable(what);
        String id = scope();
        String fingerprint = fingerprint();
        int n = batch.size();
        try {
            List<RuntimeException> committedResults = session.call(what, (c, replay) -> {
                Set<Long> committed = PgCompletions.update(c, batch, id, fingerprint, this::time);
                List<RuntimeException> results = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    Claim claim = batch.get(i).claim();
                    boolean done = committed.contains((long) i + 1)
                            || replay && alreadyApplied(c, id, claim, AssetState.DONE);
                    results.add(done ? null
                            : new LeaseLostException(claim.asset().id(), claim.workerId(), claim.attempt()));
                }
                return results;
            });
            completionCommits++;
            completionsCommitted += n;
            return committedResults;
        } finally {
            batch.forEach(b -> forget(b.claim()));
        }
    }

    /** The claim is no longer handed out (completed, failed, released, or its lease lost). */
    private void forget(Claim claim) {
        synchronized (queues) {
            Map<String, Integer> held = handedOut.get(claim.workerId());
            if (held != null) {
                held.remove(claim.asset().id(), claim.attempt());
            }
        }
    }

    @Override
    public synchronized void fail(Claim claim, ErrorClass errorClass, String message, boolean transientFailure,
                                  int tries) {
        String detail = errorClass.key() + (transientFailure ? " (transient)" : "") + ": " + message;
        fenced("mark " + claim.asset().id() + " failed", claim, AssetState.FAILED, FAIL, List.of("failed"),
                Collections.singletonList(detail), (ps, i) -> {
                    ps.setString(i, errorClass.key());
                    PlanRows.setNullable(ps, i + 1, message);
                    ps.setBoolean(i + 2, transientFailure);
                    ps.setInt(i + 3, tries);
                    return i + 4;
                });
    }

    @Override
    public synchronized void release(Claim claim) {
        release(claim, null);
    }

    private void release(Claim claim, String detail) {
        fenced("release " + claim.asset().id(), claim, AssetState.PENDING, RELEASE, List.of("released"),
                Collections.singletonList(detail), (ps, i) -> i);
    }

    @FunctionalInterface
    private interface Binder {
        /** Binds the SET parameters from {@code index}; returns the next index. */
        int bind(PreparedStatement ps, int index) throws SQLException;
    }

    /** Runs a fenced change: one statement, its events from the changed row; no row means the lease is lost. */
    private void fenced(String what, Claim claim, AssetState target, String sql, List<String> kinds,
                        List<String> details, Binder set) {
        ensureWritable(what);
        String id = scope();
        String fingerprint = fingerprint();
        try {
            session.call(what, (c, replay) -> {
                int inserted;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    time(ps, 1);
                    int i = set.bind(ps, 2);
                    ps.setString(i, id);
                    ps.setString(i + 1, claim.asset().id());
                    ps.setString(i + 2, claim.workerId());
                    ps.setInt(i + 3, claim.attempt());
                    ps.setString(i + 4, claim.workerId());
                    ps.setInt(i + 5, claim.attempt());
                    PlanRows.setNullable(ps, i + 6, fingerprint);
                    ps.setArray(i + 7, c.createArrayOf("text", kinds.toArray()));
                    ps.setArray(i + 8, c.createArrayOf("text", details.toArray()));
                    inserted = ps.executeUpdate();
                }
                if (inserted == 0 && !(replay && alreadyApplied(c, id, claim, target))) {
                    throw new LeaseLostException(claim.asset().id(), claim.workerId(), claim.attempt());
                }
                return null;
            });
        } finally {
            forget(claim);
        }
    }

    /** Whether the row is in the state a fenced change of {@code claim} to {@code target} leaves it (the lost try committed). */
    private static boolean alreadyApplied(Connection c, String jobId, Claim claim, AssetState target)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT state, worker, attempt FROM cairn.asset WHERE job_id = ? AND id = ?")) {
            ps.setString(1, jobId);
            ps.setString(2, claim.asset().id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(3) != claim.attempt() || !target.key().equals(rs.getString(1))) {
                    return false;
                }
                String worker = rs.getString(2);
                return target == AssetState.PENDING ? worker == null : claim.workerId().equals(worker);
            }
        }
    }

    @Override
    public synchronized Map<AssetState, Long> counts() {
        settle();
        String id = scope();
        return read("count assets", (c, replay) -> {
            Map<AssetState, Long> counts = ReadRows.counts(c, id);
            if (hasPlanBlocks(c)) {
                counts.merge(AssetState.PENDING, PgPlanBlocks.pendingCount(c, id), Long::sum);
            }
            return counts;
        });
    }

    @Override
    public synchronized List<AssetRecord> assets(Set<AssetState> states) {
        settle();
        if (states.isEmpty()) {
            return List.of();
        }
        String id = scope();
        Object[] keys = states.stream().map(AssetState::key).toArray();
        boolean pending = states.contains(AssetState.PENDING);
        return read("list assets", (c, replay) -> {
            List<Map.Entry<Long, AssetRecord>> rows = ReadRows.assets(c, id, keys);
            if (pending && hasPlanBlocks(c)) {
                rows = new ArrayList<>(rows);
                rows.addAll(PgPlanBlocks.records(c, id));
                rows.sort(Map.Entry.comparingByKey());
            }
            return rows.stream().map(Map.Entry::getValue).toList();
        });
    }

    @Override
    public synchronized int resetFailed(ErrorClass onlyClass) {
        settle();
        return onlyClass == null
                ? toPending("reset failed assets", CLEAR_OUTCOME, "a.state = 'failed'", List.of(), "reset", null)
                : toPending("reset failed assets", CLEAR_OUTCOME, "a.state = 'failed' AND a.error_class = ?",
                List.of(onlyClass.key()), "reset", null);
    }

    @Override
    public synchronized int resetAll() {
        settle();
        return toPending("reset all assets", CLEAR_OUTCOME, "a.state <> 'pending'", List.of(), "reset", null);
    }

    @Override
    public synchronized int resetAssets(Collection<String> ids, String reason) {
        settle();
        if (ids.isEmpty()) {
            return 0;
        }
        return toPending("reset " + ids.size() + " asset(s)", CLEAR_OUTCOME,
                "a.state IN ('done', 'failed') AND a.id = ANY(?)", List.of(List.copyOf(ids)), "reset", reason);
    }

    /** Binds {@code parameters} (strings, or lists of strings as text[]) after the job; see {@link #TO_PENDING}. */
    private int toPending(String what, String set, String condition, List<Object> parameters, String kind,
                          String detail) {
        ensureWritable(what);
        String id = scope();
        String fingerprint = fingerprint();
        String sql = TO_PENDING.formatted(set, condition);
        return session.call(what, (c, replay) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                time(ps, 1);
                ps.setString(2, id);
                int i = 3;
                for (Object p : parameters) {
                    if (p instanceof List<?> list) {
                        ps.setArray(i++, c.createArrayOf("text", list.toArray()));
                    } else {
                        ps.setString(i++, (String) p);
                    }
                }
                ps.setString(i, kind);
                PlanRows.setNullable(ps, i + 1, detail);
                PlanRows.setNullable(ps, i + 2, fingerprint);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public synchronized int removeUnplanned(Collection<String> plannedIds) {
        settle();
        ensureWritable("remove unplanned assets");
        String id = scope();
        String fingerprint = fingerprint();
        Object[] planned = plannedIds.toArray();
        Set<String> keep = new HashSet<>(plannedIds);
        return session.transaction("remove unplanned assets", (c, replay) -> {
            PgPlanBlocks.dissolveNotIn(c, id, keep);
            try (PreparedStatement ps = c.prepareStatement("""
                    WITH t AS (SELECT %s AS now),
                    d AS (
                        DELETE FROM cairn.asset a
                        WHERE a.job_id = ? AND a.state <> 'running'
                          AND NOT EXISTS (SELECT 1 FROM unnest(CAST(? AS text[])) p(id) WHERE p.id = a.id)
                        RETURNING a.job_id, a.id, a.seq, a.worker, a.attempt)
                    INSERT INTO cairn.event (job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
                    SELECT d.job_id, t.now, d.id, 'removed', d.worker, d.attempt, 'no longer in the plan', ?
                    FROM d, t ORDER BY d.seq""".formatted(NOW))) {
                time(ps, 1);
                ps.setString(2, id);
                ps.setArray(3, c.createArrayOf("text", planned));
                PlanRows.setNullable(ps, 4, fingerprint);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public synchronized List<FeatureIssueRecord> featureIssues(int limit) {
        settle();
        if (limit <= 0) {
            return List.of();
        }
        String id = scope();
        return read("read feature issues", (c, replay) -> ReadRows.featureIssues(c, id, limit));
    }

    @Override
    public synchronized List<Event> events(int limit) {
        settle();
        if (limit <= 0) {
            return List.of();
        }
        String id = scope();
        return read("read events", (c, replay) -> {
            List<Event> events = ReadRows.events(c, id, limit);
            if (!hasPlanBlocks(c)) {
                return events;
            }
            long from = events.size() < limit ? 0 : events.get(0).seq();
            List<Event> merged = new ArrayList<>(events);
            merged.addAll(PgPlanBlocks.plannedEvents(c, id, from));
            merged.sort(Comparator.comparingLong(Event::seq));
            return List.copyOf(merged.subList(Math.max(0, merged.size() - limit), merged.size()));
        });
    }

    /**
     * Puts the claims fetched but never handed out back to {@code pending} (with a
     * {@code released} event each), then closes the connection. If the server cannot be reached,
     * they come back when their lease expires.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            if (!readOnly) {
                releasePrefetched();
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(PostgresStore.class).warn(
                    "Could not release the unused prefetched claims of PostgreSQL store {}: {};"
                            + " they come back when their lease expires", where, e.getMessage());
        } finally {
            synchronized (queues) {
                closed = true;
                queues.clear();
            }
            dissolver.close();
            session.close();
        }
    }

    /**
     * Puts this handle's prefetched claims back to pending before anything but the claim loop
     * (claim, heartbeat, complete, completeAll, fail, release) looks at or changes the job, so that what it sees
     * is what the SQLite store would show: an asset is running only once handed out.
     */
    private void settle() {
        if (!readOnly) {
            releasePrefetched();
        }
    }

    private void releasePrefetched() {
        List<Claim> unstarted = new ArrayList<>();
        synchronized (queues) {
            queues.values().forEach(q -> unstarted.addAll(q.drain()));
        }
        for (Claim claim : unstarted) {
            try {
                release(claim, PREFETCH_RELEASED);
            } catch (LeaseLostException lost) {
                // taken over meanwhile: nothing of ours to release
            }
        }
    }

    // ---- plumbing -----------------------------------------------------------------------

    /** Plans of at least {@code layout.threshold()} new assets are written as blocks of that layout; for tests. */
    synchronized PostgresStore planBlocks(PgPlanBlocks.Layout layout) {
        this.planBlocks = Objects.requireNonNull(layout, "layout");
        return this;
    }

    /** Whether the store may hold plan blocks: a writable handle has migrated the schema to have them. */
    private boolean hasPlanBlocks(Connection c) throws SQLException {
        return !readOnly || PgPlanBlocks.present(c);
    }

    /** Serializes planners of one job (seq numbers are taken as max + 1). */
    private static void lockJob(Connection c, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('cairn.plan:' || ?))")) {
            ps.setString(1, jobId);
            ps.execute();
        }
    }

    /** The time of this transaction: the test clock's, or the server's now(). */
    private OffsetDateTime now(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + NOW)) {
            time(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, OffsetDateTime.class);
            }
        }
    }

    /** Binds the {@link #NOW} parameter: null (the server's now()) unless a test clock was given. */
    private void time(PreparedStatement ps, int index) throws SQLException {
        if (clock == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, clock.instant().toString());
        }
    }

    private static OffsetDateTime offset(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private <T> T read(String what, PgSession.Work<T> work) {
        ensureOpen(what);
        return session.transaction(what, work);
    }

    private <T> T writeTransaction(String what, PgSession.Work<T> work) {
        ensureWritable(what);
        return session.transaction(what, work);
    }

    private void ensureWritable(String what) {
        ensureOpen(what);
        if (readOnly) {
            throw new StoreException("Cannot " + what + ": PostgreSQL store " + where + " was opened read-only.",
                    null, false);
        }
    }

    private void ensureOpen(String what) {
        if (closed) {
            throw new StoreException("Cannot " + what + ": the handle on PostgreSQL store " + where + " is closed.",
                    null, false);
        }
    }
}
