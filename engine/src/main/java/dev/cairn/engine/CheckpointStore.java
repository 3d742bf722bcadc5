package dev.cairn.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a job's state survives crashes: the job spec, every planned asset with its state, and an
 * append-only event log. Implemented by the SQLite store (embedded default) and, later, by a
 * PostgreSQL store shared by many machines; both must pass the same contract tests.
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

    /** The job recorded in this store, if any. */
    Optional<JobRecord> job();

    /** Records the job of a first run. Fails if a job is already recorded. */
    void createJob(JobRecord job);

    /** Forgets the job, its assets, workers and events (for {@code --fresh}). */
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
    int removeUnplanned(java.util.Collection<String> plannedIds);

    /** Registers a worker process, so that its claims can be recovered when it dies. */
    void registerWorker(WorkerInfo worker);

    /** Workers that currently hold {@code running} claims. */
    List<WorkerInfo> workersWithClaims();

    /** Puts every {@code running} claim of {@code workerId} back to {@code pending}; returns how many. */
    int releaseClaimsOf(String workerId, String reason);

    /**
     * Atomically claims one asset that is {@code pending}, or {@code running} with a lease that
     * expired before {@code now}: it becomes {@code running} for {@code workerId} until
     * {@code now + lease}, with its attempt number incremented. Larger inputs are claimed first.
     */
    Optional<Claim> claim(String workerId, Instant now, Duration lease);

    /** Extends the lease of every claim held by {@code workerId} to {@code now + lease}. */
    void heartbeat(String workerId, Instant now, Duration lease);

    /**
     * Marks the claimed asset {@code done}.
     *
     * @throws LeaseLostException if the asset is no longer held by this claim (same worker and
     *                            attempt); nothing is changed then
     */
    void complete(Claim claim, Outcome outcome);

    /**
     * Marks the claimed asset {@code failed} (a dead letter).
     *
     * @param tries how many times it was tried in this claim (added to the stored total)
     * @throws LeaseLostException as for {@link #complete}
     */
    void fail(Claim claim, ErrorClass errorClass, String message, boolean transientFailure, int tries);

    /** Puts the claimed asset back to {@code pending}, without counting a failure (graceful stop). */
    void release(Claim claim);

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
