package dev.cairn.store.sqlite;

import static dev.cairn.store.sqlite.PlanWriter.setNullable;

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
import dev.cairn.engine.StoreException;
import dev.cairn.engine.WorkerActivity;
import dev.cairn.engine.WorkerInfo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded checkpoint store: one SQLite file in WAL mode, shared safely by the threads of one
 * process and by several processes on one machine. The file may hold several jobs; an instance is
 * a handle bound to one of them, as {@link CheckpointStore} describes (a checkpoint in an output
 * directory holds its one job, and {@link #open(Path)} binds to it).
 *
 * <p><b>Durability.</b> Every state change is made in one {@code BEGIN IMMEDIATE} transaction that
 * writes the asset row and its event row together (a group commit or a claim batch puts several
 * in one transaction); a method that returned has committed. With
 * {@code synchronous=NORMAL} a committed transaction survives a crash of the process (kill -9)
 * but the last few may be lost on power loss: the database is still consistent, and the assets
 * concerned are simply done again. The binding of the handle changes in memory only after the
 * transaction that records or forgets the job has committed.
 *
 * <p><b>Group commit.</b> {@link #complete} calls made by several threads of a handle at about
 * the same time are committed together ({@link GroupCommit}): one {@code BEGIN IMMEDIATE}
 * transaction holds each one's fenced update and events, and every caller returns after that
 * transaction committed. A completion whose fence fails throws {@link LeaseLostException} to its
 * caller alone (its update matched no row, its events were not written); the others commit. A
 * lone completion commits at once, alone. {@link #completeAll} commits a list of completions in
 * one such transaction and returns the result of each: what a {@link dev.cairn.engine.Runner}
 * uses, its completions committed behind its worker threads (with two threads on a no-op
 * processor, {@link #complete} calls still alternate and rarely group).
 *
 * <p><b>Claims in batches.</b> A handle keeps, per worker id, a {@link ClaimQueue} of claims
 * already committed as {@code running} for that worker, filled by one transaction of up to 64
 * claims (each with its {@code claimed} event; the candidates read by one query) when empty; the batch grows only while the worker
 * uses its claims up fast. Claims in the queue are leased, heartbeaten and recovered like handed-out
 * ones. {@link #close()} puts those never handed out back to {@code pending} (a {@code released}
 * event each), and so does every method other than the claim loop's (claim, heartbeat, complete, completeAll,
 * fail, release) before it reads or changes the job; if the process dies they come back as its
 * other claims do.
 *
 * <p><b>Concurrency.</b> One connection per instance; its methods are synchronized. Writers in
 * other processes are serialized by {@code BEGIN IMMEDIATE} (waiting up to 10 s, then a transient
 * {@link StoreException}); readers are never blocked by a writer (WAL), which is what
 * {@link #openReadOnly} relies on. {@link #claim} picks and updates its row inside one write
 * transaction, so no asset is handed to two live claims; {@link #complete}, {@link #fail} and
 * {@link #release} only touch the row
 * {@code WHERE job_id=? AND id=? AND state='running' AND worker=? AND attempt=?} and throw
 * {@link LeaseLostException} (changing nothing) when it is gone.
 *
 * <p><b>Time.</b> Leases are measured with the store's {@link Clock} (UTC system clock unless one
 * is given): the processes sharing the file run on one machine, so they read one clock.
 *
 * <p><b>Plans as blocks.</b> A plan's new assets are not written as rows: they are written as
 * blocks of up to 4,096 in claim order ({@link PlanBlocks}), and a claim inserts the row of each
 * asset it takes from them, as {@code running}. Planning 1,000,000 assets costs about a second
 * instead of seven; the run of a million no-op assets is 7 % slower and the whole job 7 % faster
 * (each row is inserted at its claim, where a plan of rows inserted it at planning and updated it
 * at the claim). Every read sees the blocks' assets as the pending rows they stand for, their
 * {@code planned} events under the seqs reserved for them.
 *
 * <p>The bodies of its methods live beside it: {@link PlanWriter} (planning), {@link PlanBlocks}
 * (the blocks), {@link TransitionWriter} (claims and their fenced outcomes), {@link ReadQueries}
 * (counts, listings, the event log), {@link JobTable} (job rows), {@link WorkerRows} (heartbeats)
 * and {@link SqliteSchema} (PRAGMAs, creation, migration, version check).
 *
 * <p><b>Schema, version 4</b> ({@code schema-v4.sql}; an older file is migrated in place by
 * {@code migrate-v1-to-v2.sql}, {@code migrate-v2-to-v3.sql} and {@code migrate-v3-to-v4.sql}
 * when opened for writing; times are epoch milliseconds):
 * <pre>
 * schema_version(version)                           one row: 4; a newer version is refused
 * job(id PK, seq UNIQUE,                            every job; seq = order of creation
 *     fingerprint, kind, created_at)
 *  └─ job_option(job_id → job.id, key, value)       the spec, PK (job_id, key)
 * plan_block(job_id, block_no, PK (both),          assets planned and not yet claimed, in blobs
 *            head_size, head_seq, min_seq, max_seq,  of up to 4,096 in claim order (PlanBlocks);
 *            assets, taken, event_offset,        the first 'taken' are asset rows now; holds
 *            planned_at, fingerprint, payload)   the planned events of all of them
 *   index plan_block_head (job_id, head_size DESC, head_seq) WHERE taken &lt; assets     claim()
 * asset(job_id, id, PK (job_id, id),                a claimed asset (or one released, reset,
 *                                                   re-planned); job_id '' = planned with no job bound
 *       seq,                                        planning order within the job
 *       input, part, output, input_size, input_mtime,        what to do, input fingerprint
 *       state pending|running|done|failed,
 *       worker, lease_until, attempt,               the claim; attempt = fencing token
 *       tries, error_class, message, transient,     the dead letter
 *       features, skipped, checksum, updated_at)    the outcome
 *   unique index asset_seq (job_id, seq)                              assets()
 *   index asset_claim (job_id, state, input_size DESC, seq)           claim(), counts()
 *   index asset_running_worker (job_id, worker) WHERE state='running' heartbeat(), recovery
 * worker(id PK, host, pid, process_start,           store-wide: a process may serve
 *        registered_at)                             several jobs
 * worker_lease(job_id, worker_id, PK (both),       last heartbeat of a worker in a job
 *              beat_at, lease_until)                and the lease it asked for (WorkerRows)
 * event(seq AUTOINCREMENT, job_id, at, asset_id,    append-only lineage (planned events: in
 *                                                   plan_block); fingerprint is the
 *       kind, worker, attempt, detail, fingerprint)  job's at the time of the event
 *   index event_job (job_id, seq)                                     events(), featureIssues()
 * </pre>
 * Version 3 was the same without {@code plan_block} (every planned asset a row with its planned
 * event). Version 2 was the same without {@code worker_lease}. Version 1 was the same without {@code job.seq} and without the {@code job_id} columns and
 * indexes: at most one job per file, owning every asset and event.
 */
public final class SqliteStore implements CheckpointStore {

    private final Path file;
    private final Connection conn;
    private final boolean readOnly;
    private final Clock clock;
    private final TransitionWriter transitions;
    private final PlanBlocks blocks;
    /** Per worker id: claims committed as running for it but not handed out yet. */
    private final Map<String, ClaimQueue> queues = new HashMap<>();
    /** Gathers the completions of this handle's threads into shared transactions. */
    private final GroupCommit<Completion> completions = new GroupCommit<>(this, this::commitCompletions);
    /** The bound job, or null: then the handle works on the job-less rows. */
    private JobRecord bound;
    private volatile boolean closed;

    /**
     * The WAL size, in pages, at which a commit copies it back into the database (SQLite's default
     * is 1,000). A checkpoint costs an fsync of the database file; every few thousand pages it is
     * paid once for pages that small commits rewrite many times (index and event pages). In the
     * throughput benchmark (2 workers, no-op processor, runs alternated on a shared machine) 4,000
     * instead of 1,000 took 3,583 to 6,891 and 3,672 to 4,468 assets/s. The WAL file grows to about
     * this many pages (16 MiB) and no further while the checkpoints keep up.
     */
    static final int WAL_AUTOCHECKPOINT_PAGES = 4_000;

    private SqliteStore(Path file, Connection conn, boolean readOnly, Clock clock) {
        this.file = file;
        this.conn = conn;
        this.readOnly = readOnly;
        this.clock = clock;
        this.blocks = new PlanBlocks(conn);
        this.transitions = new TransitionWriter(conn, blocks);
        if (!readOnly) {
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA wal_autocheckpoint = " + WAL_AUTOCHECKPOINT_PAGES);
            } catch (SQLException e) {
                try {
                    conn.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw translate(file, e, "set up");
            }
        }
    }

    /**
     * Opens the checkpoint at {@code dbFile} for reading and writing, bound to its most recent job
     * (or to none), with the UTC system clock; see {@link #open(Path, String, Clock)}.
     */
    public static SqliteStore open(Path dbFile) {
        return open(dbFile, null, Clock.systemUTC());
    }

    /** As {@link #open(Path)}, with leases measured by {@code clock}. */
    public static SqliteStore open(Path dbFile, Clock clock) {
        return open(dbFile, null, clock);
    }

    /**
     * Opens the checkpoint at {@code dbFile} for reading and writing, creating the file, its
     * parent directories and the schema when missing, and migrating an older schema in place.
     *
     * @param jobId the job to bind to: null for the most recent job (none when the file holds no
     *              job); an id the file does not hold gives an unbound handle, ready for
     *              {@link #createJob}
     * @param clock the clock leases are measured with
     * @throws StoreException if the file is not a cairn checkpoint or has a newer schema version
     */
    public static SqliteStore open(Path dbFile, String jobId, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        checkJobId(jobId);
        try {
            return new SqliteStore(dbFile, SqliteSchema.openReadWrite(dbFile), false, clock).bindOnOpen(jobId);
        } catch (SQLException e) {
            throw translate(dbFile, e, "open");
        }
    }

    /**
     * Opens an existing checkpoint for reading only ({@code status}, {@code failures}), bound to
     * its most recent job; see {@link #openReadOnly(Path, String)}.
     */
    public static SqliteStore openReadOnly(Path dbFile) {
        return openReadOnly(dbFile, null);
    }

    /**
     * Opens an existing checkpoint for reading only; works while another process is writing it,
     * and writes nothing (a file of an older schema version is read as it is, not migrated).
     * Every method that changes state throws {@link StoreException}.
     *
     * @param jobId the job to bind to, or null for the most recent job (none when it holds none)
     * @throws NoSuchCheckpointException if the file does not exist, or holds no job {@code jobId}
     * @throws StoreException            if the file is not a cairn checkpoint or is newer
     */
    public static SqliteStore openReadOnly(Path dbFile, String jobId) {
        checkJobId(jobId);
        try {
            return new SqliteStore(dbFile, SqliteSchema.openReadOnly(dbFile), true, Clock.systemUTC())
                    .bindOnOpen(jobId);
        } catch (SQLException e) {
            throw translate(dbFile, e, "open");
        }
    }

    private static void checkJobId(String jobId) {
        if (jobId != null && jobId.isBlank()) {
            throw new IllegalArgumentException("A job id must not be blank; pass null for the most recent job.");
        }
    }

    /** Binds to {@code jobId}, or to the most recent job when null; closes the connection on failure. */
    private SqliteStore bindOnOpen(String jobId) {
        try {
            Optional<JobRecord> job = read("read the job", () ->
                    jobId == null ? JobTable.latest(conn) : JobTable.find(conn, jobId));
            if (job.isEmpty() && jobId != null && readOnly) {
                List<String> held = jobs().stream().map(JobRecord::id).toList();
                throw new NoSuchCheckpointException("Checkpoint " + file + " holds no job " + jobId
                        + (held.isEmpty() ? " (it holds no job at all)" : "; the jobs it holds are " + String.join(", ", held))
                        + ". Check the job id.");
            }
            bind(job.orElse(null));
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void bind(JobRecord job) {
        bound = job;
        transitions.bind(scope(), job == null ? null : job.fingerprint());
    }

    /** The job id of the rows this handle works on. */
    private String scope() {
        return bound == null ? JobTable.NO_JOB : bound.id();
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** The bound job as stored now: empty when unbound, or when another handle has cleared it. */
    @Override
    public synchronized Optional<JobRecord> job() {
        if (bound == null) {
            return Optional.empty();
        }
        String id = bound.id();
        return read("read the job", () -> JobTable.find(conn, id));
    }

    @Override
    public List<JobRecord> jobs() {
        return read("list the jobs", () -> JobTable.all(conn));
    }

    @Override
    public synchronized void createJob(JobRecord job) {
        if (job.id() == null || job.id().isBlank()) {
            throw new IllegalArgumentException("A job id must not be blank: " + job);
        }
        if (bound != null) {
            throw new StoreException("This handle on checkpoint " + file + " is bound to job " + bound.id()
                    + " (" + bound.kind() + "); cannot record job " + job.id()
                    + " on it. Clear the checkpoint first to start over, or open another handle for the new job.",
                    null, false);
        }
        write("record job " + job.id(), () -> {
            Optional<JobRecord> existing = JobTable.find(conn, job.id());
            if (existing.isPresent()) {
                throw new StoreException("Checkpoint " + file + " already records job " + job.id() + " ("
                        + existing.get().kind() + "); open it with that job id to resume it, or clear it first"
                        + " to start over.", null, false);
            }
            JobTable.insert(conn, job);
            JobTable.adoptJobLessRows(conn, job.id());
            return null;
        });
        bind(job);
    }

    @Override
    public synchronized void clear() {
        settle();
        String id = scope();
        write(bound == null ? "clear the job-less assets" : "clear job " + id, () -> {
            JobTable.delete(conn, id);
            return null;
        });
        synchronized (queues) {
            queues.clear();
        }
        bind(null);
    }

    @Override
    public synchronized PlanSummary plan(List<Asset> assets) {
        settle();
        String id = scope();
        String fingerprint = bound == null ? null : bound.fingerprint();
        return write("plan " + assets.size() + " assets", () -> {
            if (bound != null && JobTable.find(conn, id).isEmpty()) {
                throw new StoreException("Cannot plan job " + id + " in checkpoint " + file
                        + ": another handle or process has cleared the job since this handle was bound to it."
                        + " Open the checkpoint again.", null, false);
            }
            return PlanWriter.plan(conn, blocks, id, fingerprint, assets, clock.millis());
        });
    }

    @Override
    public void registerWorker(WorkerInfo worker) {
        write("register worker " + worker.id(), () -> {
            try (PreparedStatement ps = conn.prepareStatement("""
                    INSERT OR REPLACE INTO worker (id, host, pid, process_start, registered_at)
                    VALUES (?, ?, ?, ?, ?)""")) {
                ps.setString(1, worker.id());
                setNullable(ps, 2, worker.host());
                ps.setLong(3, worker.pid());
                setNullableMillis(ps, 4, worker.processStart());
                setNullableMillis(ps, 5, worker.registeredAt());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Registered workers holding claims in the bound job; a worker that never registered cannot be
     * proven dead, so it is not listed.
     */
    @Override
    public List<WorkerInfo> workersWithClaims() {
        settle();
        return read("list workers", () -> {
            List<WorkerInfo> workers = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("""
                         SELECT id, host, pid, process_start, registered_at FROM worker w
                         WHERE EXISTS (SELECT 1 FROM asset a
                                       WHERE a.job_id = ? AND a.state = 'running' AND a.worker = w.id)
                         ORDER BY id""")) {
                ps.setString(1, scope());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        workers.add(new WorkerInfo(rs.getString(1), rs.getString(2), rs.getLong(3),
                                ReadQueries.instant(rs, 4), ReadQueries.instant(rs, 5)));
                    }
                }
            }
            return workers;
        });
    }

    @Override
    public List<WorkerActivity> workerActivity() {
        settle();
        return read("list the workers of the job", () -> WorkerRows.activity(conn, scope(), clock.millis()));
    }

    @Override
    public int releaseClaimsOf(String workerId, String reason) {
        settle();
        int n = write("release the claims of worker " + workerId,
                () -> transitions.releaseClaimsOf(workerId, reason, clock.millis()));
        synchronized (queues) {
            queues.remove(workerId);
        }
        return n;
    }

    /**
     * Hands out the next claim of {@code workerId}'s local queue, filling it with one batch (one
     * write transaction, the store's clock read inside it) when empty; see the class comment.
     */
    @Override
    public Optional<Claim> claim(String workerId, Duration lease) {
        Objects.requireNonNull(workerId, "workerId");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("A lease must be positive: " + lease);
        }
        // A claim from the queue takes only the queue's lock, not the store's, so that it does not
        // wait for a group commit in progress: the threads' completions then overlap and group.
        synchronized (queues) {
            ensureOpen("claim an asset");
            ClaimQueue queue = queues.get(workerId);
            if (queue != null && !queue.isEmpty()) {
                return queue.poll();
            }
        }
        synchronized (this) { // lock order: the store, then the queues
            synchronized (queues) {
                ClaimQueue queue = queues.computeIfAbsent(workerId, w -> new ClaimQueue());
                if (queue.isEmpty()) {
                    int k = queue.nextBatch();
                    queue.fill(fetch(workerId, lease, k), k);
                }
                return queue.poll();
            }
        }
    }

    /** Claims up to {@code k} assets in one write transaction, the store's clock read inside it. */
    private List<Claim> fetch(String workerId, Duration lease, int k) {
        return write(k == 1 ? "claim an asset" : "claim up to " + k + " assets", () -> {
            long nowMillis = clock.millis();
            return transitions.claim(workerId, nowMillis, nowMillis + lease.toMillis(), k);
        });
    }

    @Override
    public synchronized void heartbeat(String workerId, Duration lease) {
        write("extend the leases of worker " + workerId, () -> {
            long now = clock.millis();
            transitions.heartbeat(workerId, now + lease.toMillis());
            WorkerRows.beat(conn, scope(), workerId, now, now + lease.toMillis());
            return null;
        });
    }

    /** Group-committed with the completions of this handle's other threads; see the class comment. */
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

    /** For tests: this handle writes its plans in blocks of {@code layout.assetsPerBlock()} ({@link PlanBlocks}). */
    synchronized SqliteStore planBlocks(PlanBlocks.Layout layout) {
        blocks.layout(layout);
        return this;
    }

    /** How many transactions of completions this handle committed, and how many completions they held. */
    synchronized long[] groupCommits() {
        return new long[] {completionCommits, completionsCommitted};
    }

    /** Transactions of completions committed, and the completions they held (guarded by the store's monitor). */
    private long completionCommits;
    private long completionsCommitted;

    /** One transaction for the completions gathered by {@link #completions}, each fenced on its own. */
    private List<RuntimeException> commitCompletions(List<Completion> batch) {
        String what = batch.size() == 1 ? "mark " + batch.get(0).claim().asset().id() + " done"
                : "mark " + batch.size() + " assets done";
        List<RuntimeException> results = write(what, () -> {
            long nowMillis = clock.millis();
            List<RuntimeException> out = new ArrayList<>(batch.size());
            for (Completion c : batch) {
                try {
                    transitions.complete(c.claim(), c.outcome(), nowMillis);
                    out.add(null);
                } catch (LeaseLostException lost) {
                    out.add(lost); // its fenced update matched no row and wrote no event
                }
            }
            return out;
        });
        completionCommits++;
        completionsCommitted += batch.size();
        return results;
    }

    @Override
    public void fail(Claim claim, ErrorClass errorClass, String message, boolean transientFailure, int tries) {
        write("mark " + claim.asset().id() + " failed", () -> {
            transitions.fail(claim, errorClass, message, transientFailure, tries, clock.millis());
            return null;
        });
    }

    @Override
    public void release(Claim claim) {
        write("release " + claim.asset().id(), () -> {
            transitions.release(claim, clock.millis(), null);
            return null;
        });
    }

    @Override
    public Map<AssetState, Long> counts() {
        settle();
        return read("count assets", () -> ReadQueries.counts(conn, blocks, scope()));
    }

    @Override
    public List<AssetRecord> assets(Set<AssetState> states) {
        settle();
        if (states.isEmpty()) {
            return List.of();
        }
        return read("list assets", () -> ReadQueries.assets(conn, blocks, scope(), states));
    }

    @Override
    public int resetFailed(ErrorClass onlyClass) {
        settle();
        String condition = onlyClass == null ? "state = 'failed'" : "state = 'failed' AND error_class = ?";
        String parameter = onlyClass == null ? null : onlyClass.key();
        return write("reset failed assets", () -> transitions.reset(condition, parameter, clock.millis()));
    }

    @Override
    public int resetAll() {
        settle();
        return write("reset all assets", () -> transitions.reset("state <> 'pending'", null, clock.millis()));
    }

    @Override
    public int removeUnplanned(Collection<String> plannedIds) {
        settle();
        Set<String> planned = new HashSet<>(plannedIds);
        return write("remove unplanned assets", () -> {
            blocks.dissolveWhere(scope(), id -> !planned.contains(id));
            return transitions.removeUnplanned(planned, clock.millis());
        });
    }

    @Override
    public int resetAssets(Collection<String> ids, String reason) {
        settle();
        if (ids.isEmpty()) {
            return 0;
        }
        List<String> copy = List.copyOf(ids);
        return write("reset " + copy.size() + " asset(s)", () -> transitions.resetIds(copy, reason, clock.millis()));
    }

    @Override
    public List<FeatureIssueRecord> featureIssues(int limit) {
        settle();
        if (limit <= 0) {
            return List.of();
        }
        return read("read feature issues", () -> ReadQueries.featureIssues(conn, scope(), limit));
    }

    @Override
    public List<Event> events(int limit) {
        settle();
        if (limit <= 0) {
            return List.of();
        }
        return read("read events", () -> ReadQueries.events(conn, blocks, scope(), limit));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            if (!readOnly) {
                settle();
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SqliteStore.class).warn(
                    "Could not release the unused claims fetched in advance from checkpoint {}: {};"
                            + " they come back when their lease expires", file, e.getMessage());
        }
        synchronized (queues) {
            closed = true;
            queues.clear();
        }
        try (conn) {
            transitions.close();
            blocks.close();
        } catch (SQLException e) {
            throw translate(file, e, "close");
        }
    }

    /**
     * Puts this handle's claims fetched in advance (not handed out) back to {@code pending}, with
     * a {@code released} event each (detail {@link TransitionWriter#PREFETCH_RELEASED}), in one
     * transaction, before anything but the claim loop (claim, heartbeat, complete, completeAll, fail,
     * release) looks at or changes the job: what it then sees is what one claim at a time would
     * show, an asset is running only once handed out. A claim taken over meanwhile (its lease
     * expired) is not ours to release and is skipped.
     */
    private synchronized void settle() {
        List<Claim> unstarted = new ArrayList<>();
        synchronized (queues) {
            if (readOnly || closed) {
                return;
            }
            queues.values().forEach(q -> unstarted.addAll(q.drain()));
        }
        if (unstarted.isEmpty()) {
            return;
        }
        write("release " + unstarted.size() + " claim(s) fetched in advance", () -> {
            long nowMillis = clock.millis();
            for (Claim claim : unstarted) {
                try {
                    transitions.release(claim, nowMillis, TransitionWriter.PREFETCH_RELEASED);
                } catch (LeaseLostException takenOver) {
                    // taken over after its lease expired: nothing of ours to release
                }
            }
            return null;
        });
    }

    // ---- plumbing -----------------------------------------------------------------------

    private static void setNullableMillis(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.INTEGER);
        } else {
            ps.setLong(index, value.toEpochMilli());
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in one BEGIN IMMEDIATE transaction; rolls back on any exception. */
    private synchronized <T> T write(String what, Work<T> work) {
        ensureOpen(what);
        if (readOnly) {
            throw new StoreException("Cannot " + what + ": checkpoint " + file + " was opened read-only.", null, false);
        }
        return inTransaction("BEGIN IMMEDIATE", what, work);
    }

    /** Runs {@code work} in one read transaction, so that it sees one consistent snapshot. */
    private synchronized <T> T read(String what, Work<T> work) {
        ensureOpen(what);
        return inTransaction("BEGIN DEFERRED", what, work);
    }

    private <T> T inTransaction(String begin, String what, Work<T> work) {
        boolean committed = false;
        try (Statement st = conn.createStatement()) {
            st.execute(begin);
            try {
                T result = work.run();
                st.execute("COMMIT");
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollbackQuietly(st);
                }
            }
        } catch (SQLException e) {
            throw translate(file, e, what);
        }
    }

    private static void rollbackQuietly(Statement st) {
        try {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction left to roll back (BEGIN itself failed, or SQLite already rolled back)
        }
    }

    private void ensureOpen(String what) {
        if (closed) {
            throw new StoreException("Cannot " + what + ": checkpoint " + file + " is closed.", null, false);
        }
    }

    /** SQLITE_BUSY and SQLITE_LOCKED are transient (another process holds the lock); anything else is not. */
    static StoreException translate(Path file, SQLException e, String what) {
        int primary = e.getErrorCode() & 0xff;
        boolean busy = primary == 5 || primary == 6;
        String hint = busy
                ? " Another process kept the database locked longer than "
                + SqliteSchema.BUSY_TIMEOUT_MILLIS / 1000 + " s; retry."
                : "";
        return new StoreException("Cannot " + what + " in checkpoint " + file + ": " + e.getMessage() + "." + hint,
                e, busy);
    }
}
