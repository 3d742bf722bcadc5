package dev.cairn.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of one worker process (DESIGN §2.7: a claim whose worker died is recovered without
 * manual SQL). At start it registers the worker (host, pid, process start) and takes back at once
 * the claims of workers on this host whose process is provably gone (pid gone, or reused by a
 * process started at another time); claims of workers elsewhere come back when their lease
 * expires (a worker with nothing left to claim looks again while it waits). While the run lasts, a heartbeat extends this worker's leases every
 * {@link RetrySettings#heartbeatInterval} (a quarter of the lease; lease times are the store's clock, never this machine's),
 * so a live claim never expires under a slow asset; {@link #stop} ends it (after the work, so
 * leases stay valid to the last commit) and records the clean stop for {@code cairn status}.
 *
 * <p>A heartbeat that fails is logged and retried at the next tick: the lease is three ticks and
 * a pause long (see {@link RetrySettings}).
 */
final class LeaseKeeper {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    /** How long {@link #stop} waits for a heartbeat in flight before it records the stop. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final CheckpointStore store;
    private final String workerId;
    private final Duration lease;
    private ScheduledExecutorService heartbeat;

    LeaseKeeper(CheckpointStore store, String workerId, Duration lease) {
        this.store = store;
        this.workerId = workerId;
        this.lease = lease;
    }

    /** Recovers dead local workers' claims, registers this worker and starts the heartbeat. */
    void start(Instant started) {
        recoverDeadWorkers();
        ProcessHandle self = ProcessHandle.current();
        store.registerWorker(new WorkerInfo(workerId, localHost(), self.pid(),
                self.info().startInstant().orElse(null), started));
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = RetrySettings.heartbeatInterval(lease).toMillis();
        heartbeat.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the heartbeat and records the clean stop ({@link CheckpointStore#workerStopped}), so that
     * {@code cairn status} shows this worker as stopped at once rather than live until its lease
     * runs out; claims it still holds keep their lease. The stop is written only once no heartbeat
     * is in flight (a heartbeat committed after it would make the worker look alive again); a
     * failure to write it is logged, and the worker then shows as expired once its lease ran out.
     */
    void stop() {
        if (heartbeat == null) {
            return;
        }
        heartbeat.shutdownNow();
        try {
            if (!heartbeat.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("A heartbeat is still running after {}; the stop is not recorded (status shows the worker"
                        + " as expired once its lease ran out)", STOP_WAIT);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            store.workerStopped(workerId);
        } catch (RuntimeException e) {
            log.warn("Could not record the worker's stop (status shows it as expired once its lease ran out): {}",
                    e.getMessage());
        }
    }

    /**
     * Takes back, at once, the claims of worker processes on this host that are provably dead (at
     * start, and by a worker waiting for claims held by others, so that a killed neighbour's work
     * comes back without waiting for its lease).
     */
    void recoverDeadWorkers() {
        String host = localHost();
        for (WorkerInfo w : store.workersWithClaims()) {
            if (!host.equals(w.host()) || isAlive(w)) {
                continue;
            }
            int n = store.releaseClaimsOf(w.id(), "worker process " + w.pid() + " on " + host + " is gone");
            if (n > 0) {
                log.info("Recovered {} claim(s) of dead worker {} (process {} is gone)", n, w.id(), w.pid());
            }
        }
    }

    static boolean isAlive(WorkerInfo w) {
        Optional<ProcessHandle> p = ProcessHandle.of(w.pid());
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        // Same pid, but a process started at another time is a reused pid, not our worker.
        Optional<Instant> start = p.get().info().startInstant();
        return w.processStart() == null || start.isEmpty()
                || Math.abs(start.get().toEpochMilli() - w.processStart().toEpochMilli()) < 1000;
    }

    private void beat() {
        try {
            store.heartbeat(workerId, lease);
        } catch (RuntimeException e) {
            log.warn("Heartbeat failed (leases will be extended at the next one): {}", e.getMessage());
        }
    }

    /** The host name recorded with worker claims: {@code HOSTNAME}, else the resolved local host name. */
    static String localHost() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
