package dev.cairn.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * What one worker process has done in a job, as {@code cairn status} lists it for every worker
 * that worked on the job ({@link CheckpointStore#workerActivity}). All times are the store's
 * clock, never the reading machine's, so that ages and expiry mean the same wherever status runs.
 *
 * <p>A worker is listed when the job's event log names it (it claimed, completed, failed or lost
 * an asset) or it holds a claim. Its lease is the later of its claims' leases and the lease its
 * last heartbeat asked for; once that lies in the past (the store's now), nothing keeps the
 * worker's claims any more: the process has died, hangs, lost the store, or has simply finished.
 *
 * @param workerId       the id recorded with its claims ({@code host:pid:nonce} for the CLI)
 * @param host           the host it registered from, or null when it never registered
 * @param pid            its process id, or -1 when it never registered
 * @param registeredAt   when it registered (the start of its run), or null
 * @param lastHeartbeat  its last heartbeat in this job, or null when none was recorded (a worker
 *                       that ended before its first, or a store written by an older cairn)
 * @param leaseUntil     its lease as described above, or null when it holds no claim and never
 *                       sent a heartbeat
 * @param claims         claims it holds now ({@code running} assets)
 * @param done           assets it completed ({@code done} events)
 * @param failed         assets it dead-lettered ({@code failed} events)
 * @param doneRecently   assets it completed in the {@link #RECENT} before {@code now}
 * @param lastEvent      its latest event in the job, or null
 * @param now            the store's clock when this was read
 */
public record WorkerActivity(String workerId, String host, long pid, Instant registeredAt, Instant lastHeartbeat,
                             Instant leaseUntil, int claims, long done, long failed, long doneRecently,
                             Instant lastEvent, Instant now) {

    /** The window of {@link #doneRecently}: the worker's recent rate is {@code doneRecently / 60 s}. */
    public static final Duration RECENT = Duration.ofSeconds(60);

    /** True when the worker's lease lies in the past, or it never had one: nothing keeps its claims. */
    public boolean leaseExpired() {
        return leaseUntil == null || !leaseUntil.isAfter(now);
    }

    /** The age of its last heartbeat, or null when none was recorded. */
    public Duration sinceHeartbeat() {
        return lastHeartbeat == null ? null : Duration.between(lastHeartbeat, now);
    }

    /** Its recent rate: assets completed in the last {@link #RECENT}, per second. */
    public double recentAssetsPerSecond() {
        return doneRecently / (double) RECENT.toSeconds();
    }
}
