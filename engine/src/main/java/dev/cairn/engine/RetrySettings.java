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
 *   the staging lock in a shared store     -       waits up to 600 s           a transient StoreException: the asset's transient failure
 *     (PostgreSQL: the same turns, taken in the database, see StagingLock)
 *   a claim's lease                        -       60 s, renewed every 15 s    another worker takes the asset over
 * </pre>
 *
 * <p><b>Lease timing.</b> A lease must outlast three heartbeats plus a pause: a live worker whose
 * heartbeats fail three times in a row (the store restarting, a lost connection being retried)
 * and which then stalls (a full GC, a frozen VM, a slow disk) must not lose its claims to another
 * worker. So the heartbeat comes {@link #HEARTBEATS_PER_LEASE} times per lease:
 * <pre>
 *   LEASE 60 s  =  3 × HEARTBEAT 15 s  +  PAUSE_ALLOWANCE 15 s
 * </pre>
 * A lease set for one run ({@link Runner.Builder#lease}, the {@code cairn.lease} system property
 * of the CLI) keeps the ratio: its heartbeat is {@link #heartbeatInterval}. A dead worker's claims
 * come back after at most one lease (at once when it ran on the same host as a live worker).
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

    /** A claim's lease; the heartbeat renews it every {@link #HEARTBEAT}. */
    public static final Duration LEASE = Duration.ofSeconds(60);

    /** Heartbeats per lease: three may be missed and a pause of one more interval still fits. */
    public static final int HEARTBEATS_PER_LEASE = 4;

    /** How often a worker renews its leases by default: {@link #LEASE} / {@link #HEARTBEATS_PER_LEASE}. */
    public static final Duration HEARTBEAT = LEASE.dividedBy(HEARTBEATS_PER_LEASE);

    /** The pause a worker may take after three missed heartbeats without losing its claims. */
    public static final Duration PAUSE_ALLOWANCE = LEASE.minus(HEARTBEAT.multipliedBy(3));

    /**
     * How often a worker with nothing to claim looks again while other workers still hold claims
     * (they may finish, fail back to pending, or lose their lease): a run ends only when nothing
     * is pending or running.
     */
    public static final Duration IDLE_POLL = Duration.ofMillis(500);

    /** The heartbeat interval of a run with this lease: a {@link #HEARTBEATS_PER_LEASE}th of it (at least 10 ms). */
    public static Duration heartbeatInterval(Duration lease) {
        return Duration.ofMillis(Math.max(lease.toMillis() / HEARTBEATS_PER_LEASE, 10));
    }

    /**
     * The lease of a CLI run: {@link #LEASE}, or the ISO-8601 duration of the system property
     * {@code cairn.lease} (e.g. {@code -Dcairn.lease=PT10S}, for tests that watch a lease expire).
     *
     * @throws IllegalArgumentException if the property is not a positive duration
     */
    public static Duration lease() {
        String value = System.getProperty("cairn.lease");
        if (value == null || value.isBlank()) {
            return LEASE;
        }
        Duration d;
        try {
            d = Duration.parse(value.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("cairn.lease=" + value + " is not an ISO-8601 duration such as PT60S", e);
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("cairn.lease=" + value + " must be positive");
        }
        return d;
    }

    private RetrySettings() {
    }
}
