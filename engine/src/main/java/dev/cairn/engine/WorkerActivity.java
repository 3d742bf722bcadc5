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
 * last heartbeat asked for. What it is now, by {@link #state()}:
 * <pre>
 *   state     when                                          the process
 *   LIVE      its lease lies ahead (the store's now)         works, or waits for claims
 *   STOPPED   it recorded a clean stop                       ended its run (job done, SIGTERM, stop
 *             ({@link CheckpointStore#workerStopped})         requested): its claims were completed,
 *                                                            failed or released first
 *   EXPIRED   no clean stop, and its lease lies in the past  died (kill -9, crash), hangs, lost the
 *             (or it never had one)                          store, or is a cairn that records no stop
 * </pre>
 *
 * @param workerId       the id recorded with its claims ({@code host:pid:nonce} for the CLI)
 * @param host           the host it registered from, or null when it never registered
 * @param pid            its process id, or -1 when it never registered
 * @param registeredAt   when it registered (the start of its run), or null
 * @param lastHeartbeat  its last heartbeat in this job, or null when none was recorded (a worker
 *                       that ended before its first, or a store written by an older cairn); for a
 *                       stopped worker, its stop
 * @param leaseUntil     its lease as described above, or null when it holds no claim and never
 *                       sent a heartbeat
 * @param stoppedAt      when it recorded a clean stop in this job, or null
 * @param claims         claims it holds now ({@code running} assets)
 * @param done           assets it completed ({@code done} events)
 * @param failed         assets it dead-lettered ({@code failed} events)
 * @param doneRecently   assets it completed in the {@link #RECENT} before {@code now}
 * @param firstEvent     its earliest event in the job (its first claim), or null
 * @param lastEvent      its latest event in the job, or null
 * @param now            the store's clock when this was read
 */
public record WorkerActivity(String workerId, String host, long pid, Instant registeredAt, Instant lastHeartbeat,
                             Instant leaseUntil, Instant stoppedAt, int claims, long done, long failed,
                             long doneRecently, Instant firstEvent, Instant lastEvent, Instant now) {

    /** The window of {@link #doneRecently}; the recent rate divides by the part of it the worker was active. */
    public static final Duration RECENT = Duration.ofSeconds(60);

    /** What a worker is now; see the class comment. */
    public enum State {
        LIVE, STOPPED, EXPIRED;

        /** The state's name in {@code cairn status --json}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** True when the worker recorded a clean stop in this job. */
    public boolean stopped() {
        return stoppedAt != null;
    }

    /** True when the worker's lease lies in the past, or it never had one: nothing keeps its claims. */
    public boolean leaseExpired() {
        return leaseUntil == null || !leaseUntil.isAfter(now);
    }

    /** Live, stopped or expired: a clean stop wins over a lease that claims not yet put back still hold. */
    public State state() {
        return stopped() ? State.STOPPED : leaseExpired() ? State.EXPIRED : State.LIVE;
    }

    /** The age of its last heartbeat, or null when none was recorded. */
    public Duration sinceHeartbeat() {
        return lastHeartbeat == null ? null : Duration.between(lastHeartbeat, now);
    }

    /**
     * How long the worker was active within the last {@link #RECENT}: from its first event in the
     * job (its first claim, by the store's clock; else its registration, which is its own machine's
     * clock; else the window's start) to its stop, else to now. Zero for a worker that stopped
     * before the window began.
     */
    public Duration recentWindow() {
        Instant windowStart = now.minus(RECENT);
        Instant from = firstEvent != null ? firstEvent : registeredAt != null ? registeredAt : windowStart;
        if (from.isBefore(windowStart)) {
            from = windowStart;
        }
        Instant to = stoppedAt != null && stoppedAt.isBefore(now) ? stoppedAt : now;
        return to.isAfter(from) ? Duration.between(from, to) : Duration.ZERO;
    }

    /**
     * Its recent rate: assets completed in the last {@link #RECENT}, per second of the
     * {@link #recentWindow} (at least one second, so that a worker a moment old does not show a
     * burst): a worker that ran 10 s of the minute shows its rate over those 10 s, not over 60.
     */
    public double recentAssetsPerSecond() {
        double seconds = Math.max(1.0, recentWindow().toMillis() / 1000.0);
        return doneRecently / seconds;
    }
}
