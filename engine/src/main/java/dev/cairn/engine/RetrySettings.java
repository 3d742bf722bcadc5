package dev.cairn.engine;

import java.time.Duration;

/**
 * Every retry and wait of cairn in one place (DESIGN §2.5: transient errors are retried with
 * exponential backoff and jitter; permanent ones are not). The values are defaults: a
 * {@link Runner.Builder} may set the asset tries, backoff and lease of one run.
 *
 * <pre>
 *   what                                   tries   backoff (jitter ±25 %)     then
 *   an asset's transient failure           3       0.5 s doubling to 10 s     dead letter (transient, "gave up after N tries")
 *     (IOException, AssetFailure.transientFailure, transient StoreException inside the processor)
 *   a checkpoint transition                20      50 ms doubling to 2 s      the worker stops; the run exits 1, resumable
 *     (claim, complete, fail, release on a transient StoreException: SQLITE_BUSY, lost connection)
 *   a lock on the checkpoint file          -       waits up to 10 s            a transient StoreException (retried as above)
 *   a lock on a staging file               -       waits up to 600 s           SQLITE_BUSY: the asset's transient failure
 *     (chunks of one file take turns: one may wait for another's whole chunk)
 *   a claim's lease                        -       60 s, renewed every 20 s    another worker takes the asset over
 * </pre>
 */
public final class RetrySettings {
    /** Tries of one claimed asset for transient failures (1 = no retry). */
    public static final int ASSET_MAX_TRIES = 3;
    public static final Duration ASSET_BACKOFF_BASE = Duration.ofMillis(500);
    public static final Duration ASSET_BACKOFF_MAX = Duration.ofSeconds(10);

    /** Tries of one checkpoint transition on a transient {@link StoreException}. */
    public static final int STORE_MAX_TRIES = 20;
    public static final Duration STORE_BACKOFF_BASE = Duration.ofMillis(50);
    public static final Duration STORE_BACKOFF_MAX = Duration.ofSeconds(2);

    /** Share of each backoff delay drawn at random, so that workers that failed together do not retry together. */
    public static final double JITTER = 0.25;

    /** How long a connection to the SQLite checkpoint waits for another writer before SQLITE_BUSY. */
    public static final Duration STORE_BUSY_TIMEOUT = Duration.ofSeconds(10);

    /** How long a chunk waits for the staging file's write lock (held by another chunk's transaction). */
    public static final Duration STAGING_BUSY_TIMEOUT = Duration.ofSeconds(600);

    /** A claim's lease; the heartbeat renews it every third of it. */
    public static final Duration LEASE = Duration.ofSeconds(60);

    /**
     * How often a worker with nothing to claim looks again while other workers still hold claims
     * (they may finish, fail back to pending, or lose their lease): a run ends only when nothing
     * is pending or running.
     */
    public static final Duration IDLE_POLL = Duration.ofMillis(500);

    private RetrySettings() {
    }
}
