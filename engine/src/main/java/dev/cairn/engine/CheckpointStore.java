package dev.cairn.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where jobs' state survives crashes: each job's spec, every planned asset with its state, and an
 * append-only event log. Implemented by the SQLite store (embedded default) and, later, by a
 * PostgreSQL store shared by many machines; both must pass the same contract tests. Stores are
 * plug-ins ({@link CheckpointStoreProvider}), opened by URL with {@link CheckpointStores#open}.
 *
 * <p><b>Jobs and handles.</b> A store may hold several jobs; an instance of this interface is a
 * <em>handle</em> on the store, bound to at most one of them:
 * <ul>
 *   <li>Opening with a job id binds the handle to that job. Opening without one binds it to the
 *       store's most recently created job (for a checkpoint in an output directory, its only job),
 *       or to none when the store holds no job. Opening for reading and writing with a job id the
 *       store does not hold gives an unbound handle, so that {@link #createJob} can record it.</li>
 *   <li>{@link #job()} is the bound job; {@link #createJob} records a job and binds an unbound
 *       handle to it; {@link #clear()} forgets the bound job and leaves the handle unbound.</li>
 *   <li>Every other method sees only the bound job: {@link #plan}, {@link #claim} (never another
 *       job's asset), {@link #complete}, {@link #counts}, {@link #assets}, the resets,
 *       {@link #featureIssues}, {@link #events}, {@link #removeUnplanned}, and the claims listed
 *       or released by {@link #workersWithClaims} and {@link #releaseClaimsOf}. The same asset id
 *       in two jobs names two assets.</li>
 *   <li>An unbound handle works on the store's job-less assets: those planned while no job was
 *       bound (the engine used as a library without a job spec). {@link #createJob} on that handle
 *       makes them, and their events, the new job's.</li>
 *   <li>{@link #jobs()} lists every job in the store; {@link #registerWorker} is store-wide (one
 *       process may work on several jobs).</li>
 * </ul>
 * A handle that another handle has cleared the job of sees it as empty; open a new handle then.
 *
 * <p><b>Time.</b> Lease times come from the store's clock, never the caller's: the machines that
 * share a store do not agree on the time, and a lease must mean the same to all of them. A store
 * on one file may take an injected clock (tests); a database server store uses the server's.
 *
 * <p><b>Durability.</b> Every method that changes state is one transaction: it either happened
 * entirely (state row and event row) or not at all. A returned method has committed.
 *
 * <p><b>Concurrency.</b> Implementations are thread-safe and safe across processes sharing the
 * store: {@link #claim} never hands one asset to two live claims, and {@link #complete},
 * {@link #fail} and {@link #release} are fenced by the claim's attempt number, so a worker that
 * lost its lease cannot overwrite the work of the worker that took the asset over.
 */
public interface CheckpointStore extends AutoCloseable {

    /** The job this handle is bound to, if any. */
    Optional<JobRecord> job();

    /** Every job in the store, oldest first, whichever this handle is bound to. */
    List<JobRecord> jobs();

    /**
     * Records a new job in the store and binds this handle to it; the store's job-less assets
     * become the job's (see the class comment).
     *
     * @throws StoreException if this handle is already bound to a job, or the store already holds
     *                        a job with this id; nothing is changed then
     */
    void createJob(JobRecord job);

    /**
     * Forgets the bound job, its assets and events (for {@code --fresh}), and leaves this handle
     * unbound; other jobs in the store are untouched. On an unbound handle, forgets the job-less
     * assets and their events. Registered workers are kept (they are store-wide).
     */
    void clear();

    /**
     * Adds the planned assets. New ids are inserted as {@code pending}; known ids keep their
     * state, except that an asset whose input fingerprint (size, mtime) or output changed is put
     * back to {@code pending} (and its attempt counters reset) so a changed input is never
     * silently skipped. Assets stored but absent from {@code assets} are left alone.
     */
    PlanSummary plan(List<Asset> assets);

    /**
     * Forgets the assets that are not in {@code plannedIds} and not {@code running}: inputs that
     * were removed, or a file re-planned into chunks (or back into one asset) because it changed.
     * Without this, a stale pending asset of an old plan would write the same output as the new
     * plan's assets. One {@code removed} event per asset; returns how many were removed.
     */
    int removeUnplanned(Collection<String> plannedIds);

    /** Registers a worker process (store-wide), so that its claims can be recovered when it dies. */
    void registerWorker(WorkerInfo worker);

    /** Registered workers that currently hold {@code running} claims in the bound job. */
    List<WorkerInfo> workersWithClaims();

    /**
     * Every worker that has worked on the bound job, by worker id: its registration, last
     * heartbeat, claims held now, assets done and failed, those done in the last
     * {@link WorkerActivity#RECENT}, and its lease, all against the store's clock (see
     * {@link WorkerActivity}). Read-only: it never blocks or waits for the workers.
     */
    List<WorkerActivity> workerActivity();

    /**
     * Puts every {@code running} claim of {@code workerId} in the bound job back to
     * {@code pending}; returns how many.
     */
    int releaseClaimsOf(String workerId, String reason);

    /**
     * Atomically claims one asset of the bound job that is {@code pending}, or {@code running}
     * with a lease that expired before the store's clock's now: it becomes {@code running} for
     * {@code workerId} until now {@code + lease}, with its attempt number incremented. Larger
     * inputs are claimed first.
     *
     * <p>A store may claim several assets for {@code workerId} in one transaction and hand them
     * out one per call. Such claims are the worker's like any other (leased, extended by
     * {@link #heartbeat}, put back by {@link #releaseClaimsOf}, claimable again once their lease
     * expired); those not handed out yet are put back to {@code pending} by {@link #close()} and
     * before any method other than claim, heartbeat, complete, completeAll, fail and release
     * reads or changes the job, so that the job shows an asset as running only once it was
     * handed out.
     */
    Optional<Claim> claim(String workerId, Duration lease);

    /**
     * Extends the lease of every claim {@code workerId} holds in the bound job to the store's now
     * {@code + lease} (never shortens one), and records the heartbeat (its time and that lease)
     * for {@link #workerActivity}, also when the worker holds no claim.
     */
    void heartbeat(String workerId, Duration lease);

    /**
     * Records that {@code workerId} stopped cleanly (its run ended, or a stop was requested and
     * the assets in flight finished or rolled back), so that {@link #workerActivity} shows it as
     * {@linkplain WorkerActivity#stopped() stopped} at once rather than as live until its lease runs
     * out; a worker that never gets here (killed, crashed) is told by its lease expiring. Call it
     * after the worker's last heartbeat.
     *
     * <p>It is the worker's last heartbeat, asking for no lease: the heartbeat row then ends where
     * it begins ({@code lease_until = beat_at}, the stop's time), which no heartbeat of a live
     * worker writes (its lease is positive); a store reads such a row as the stop. Claims the worker
     * still holds keep their lease, as every heartbeat never shortens one.
     */
    default void workerStopped(String workerId) {
        heartbeat(workerId, Duration.ZERO);
    }

    /**
     * Marks the claimed asset {@code done}. A store may commit the completions that several
     * threads make at once in one transaction; each is still fenced on its own, and each call
     * returns only once its completion has committed.
     *
     * @throws LeaseLostException if the asset is no longer held by this claim (same job, worker
     *                            and attempt); nothing is changed then
     */
    void complete(Claim claim, Outcome outcome);

    /**
     * Marks each claimed asset {@code done}, as {@link #complete} would, in one transaction: each
     * completion is fenced on its own (a lost lease fails only that one, which changes nothing),
     * and the method returns only once the others have committed. What a {@link Runner} uses to
     * commit its threads' completions in batches without making them wait ({@link Completions}).
     *
     * @return per completion, in order: null when it committed, or the {@link LeaseLostException}
     *         its claim met
     * @throws StoreException when the transaction failed: none of the completions committed, so
     *                        the whole call may be retried
     */
    List<RuntimeException> completeAll(List<Completion> completions);

    /**
     * Marks the claimed asset {@code failed} (a dead letter).
     *
     * @param tries how many times it was tried in this claim (added to the stored total)
     * @throws LeaseLostException as for {@link #complete}
     */
    void fail(Claim claim, ErrorClass errorClass, String message, boolean transientFailure, int tries);

    /** Puts the claimed asset back to {@code pending}, without counting a failure (graceful stop). */
    void release(Claim claim);

    /**
     * Waits for, and takes, the exclusive lock of the staging file named {@code key} (the staging
     * file's path, the same on every machine) among all processes sharing this store; see
     * {@link StagingLock}. A store used from one machine only (SQLite) needs no lock of its own
     * and returns {@link StagingLock#NONE}; a store shared by machines (PostgreSQL) returns a lock
     * that its server releases by itself when the holder's process or machine dies.
     *
     * @throws StoreException (transient) if the lock could not be had within
     *                        {@link RetrySettings#STAGING_BUSY_TIMEOUT}, or the store is unreachable
     */
    default StagingLock lockStaging(String key) {
        return StagingLock.NONE;
    }

    /** Number of assets in each state; every state is present (0 when none). */
    Map<AssetState, Long> counts();

    /** Assets in the given states, in planning order. */
    List<AssetRecord> assets(Set<AssetState> states);

    /** Puts {@code failed} assets (of one class, or all when {@code onlyClass} is null) back to {@code pending}. */
    int resetFailed(ErrorClass onlyClass);

    /** Puts every asset back to {@code pending}. */
    int resetAll();

    /**
     * Puts the listed {@code done} or {@code failed} assets back to {@code pending}, clearing
     * their outcome and error, with one {@code reset} event per asset whose detail is
     * {@code reason}; all in one transaction (used by {@code verify --repair}). A {@code running}
     * asset is left alone (its claim decides what happens to it); pending and unknown ids are
     * ignored.
     *
     * @return how many assets were reset
     */
    int resetAssets(Collection<String> ids, String reason);

    /**
     * The features skipped or repaired by policy in the assets that are {@code done} now, as
     * recorded by the {@link #complete} that made them done (earlier attempts and assets reset
     * since are not listed); in planning order, at most {@code limit}.
     */
    List<FeatureIssueRecord> featureIssues(int limit);

    /** The most recent events, newest last. */
    List<Event> events(int limit);

    @Override
    void close();
}
