package dev.cairn.engine;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a job's assets through a processor on a bounded pool of worker threads, with the
 * guarantees of DESIGN §2 that do not depend on the kind of job:
 *
 * <ul>
 *   <li><b>Claims with leases.</b> Each thread claims one asset at a time from the store (which
 *       may fetch several at once and hand them out one by one); when the asset is done the
 *       thread hands its completion to the run's committer ({@link Completions}), which commits
 *       the completions that gathered meanwhile in one transaction, each fenced on its own, while
 *       the thread goes on with its next asset (bounded; {@link #run()} returns only once every
 *       completion is committed); the
 *       {@link LeaseKeeper} recovers the claims of dead workers and extends this worker's leases
 *       while the process lives.</li>
 *   <li><b>Isolation.</b> A failing asset is dead-lettered with the error class and message the
 *       {@link FailureClassifier} gives it; the other assets go on.</li>
 *   <li><b>Retries.</b> Transient failures ({@link FailureClassifier#isTransient}) are retried with
 *       exponential backoff and jitter, up to {@code maxTries} per claim; permanent ones are not
 *       retried; checkpoint transitions retry transient store errors ({@link RetrySettings}).</li>
 *   <li><b>Graceful stop.</b> After {@link #requestStop()} no new asset is claimed; assets in
 *       flight either finish or roll back (the processor sees {@link ProcessContext#stopRequested()})
 *       and are released to {@code pending}; then {@link #run()} returns an interrupted report.</li>
 * </ul>
 *
 * <p>Durability comes from the store (each transition one transaction) and from processors that
 * publish outputs atomically before the asset is marked done: a crash at any point leaves every
 * asset either done with its output published, or claimable again.
 *
 * <p>A runner is used for one {@link #run()}. {@link #requestStop()} may be called from any thread.
 */
public final class Runner {
    private static final Logger log = LoggerFactory.getLogger(Runner.class);

    private final boolean untilJobEnds;
    /** The leases of the current run (set by {@link #run}). */
    private volatile LeaseKeeper leaseKeeper;
    /** The completions of the current run, committed behind the workers (set by {@link #run}). */
    private volatile Completions<Report> completions;
    private final CheckpointStore store;
    private final AssetProcessor processor;
    private final int workers;
    private final Duration lease;
    private final int maxTries;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private final RunListener listener;
    private final Clock clock;
    private final String jobId;
    private final String workerId;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean diskFullReported = new AtomicBoolean();
    /** Assets of this process that ended (guarded by itself): what {@link #idle} waits for. */
    private final Object assetEnd = new Object();
    private long assetsEnded;
    private final AtomicLong doneThisRun = new AtomicLong();
    private final AtomicLong failedThisRun = new AtomicLong();
    private final AtomicLong itemsThisRun = new AtomicLong();
    private final AtomicLong checkpointNanos = new AtomicLong();

    private Runner(Builder b) {
        this.store = b.store;
        this.processor = b.processor;
        this.workers = b.workers;
        this.lease = b.lease;
        this.maxTries = b.maxTries;
        this.backoffBase = b.backoffBase;
        this.backoffMax = b.backoffMax;
        this.listener = b.listener;
        this.clock = b.clock;
        this.jobId = b.jobId;
        this.untilJobEnds = b.untilJobEnds;
        this.workerId = LeaseKeeper.localHost() + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Builder builder(CheckpointStore store, AssetProcessor processor) {
        return new Builder(store, processor);
    }

    /** The id under which this process's claims are recorded. */
    public String workerId() {
        return workerId;
    }

    /** Asks the run to stop: no new claims; in-flight assets finish or roll back. Idempotent. */
    public void requestStop() {
        if (stop.compareAndSet(false, true)) {
            log.info("Stop requested: finishing or rolling back the assets in flight");
        }
    }

    public boolean stopRequested() {
        return stop.get();
    }

    /**
     * Runs until nothing is claimable (with {@link Builder#untilJobEnds}: until nothing is pending
     * or running) or a stop was requested.
     */
    public RunReport run() {
        Instant started = clock.instant();
        LeaseKeeper leases = new LeaseKeeper(store, workerId, lease);
        leases.start(started);
        leaseKeeper = leases;
        List<Thread> threads = new ArrayList<>();
        try (Completions<Report> committer = new Completions<>(
                batch -> withStoreRetry(() -> store.completeAll(batch)), new Reports(), "cairn-committer")) {
            completions = committer;
            for (int i = 0; i < workers; i++) {
                Thread t = new Thread(this::workLoop, "cairn-worker-" + (i + 1));
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                joinUninterruptibly(t);
            }
            // closing the committer waits for the completions still pending: the run returns only
            // once every asset done in it is recorded (or its lease was lost)
        } finally {
            leases.stop(); // last: every claim was completed, failed or released under a valid lease
        }
        // Also puts back to pending the claims the store fetched in advance and never handed out
        // (a graceful stop, or a worker that stopped on a store failure): see CheckpointStore#claim.
        Map<AssetState, Long> counts = store.counts();
        Map<ErrorClass, Long> byClass = new EnumMap<>(ErrorClass.class);
        if (counts.getOrDefault(AssetState.FAILED, 0L) > 0) {
            for (AssetRecord r : store.assets(EnumSet.of(AssetState.FAILED))) {
                byClass.merge(r.errorClass() == null ? ErrorClass.INTERNAL : r.errorClass(), 1L, Long::sum);
            }
        }
        boolean unfinished = counts.getOrDefault(AssetState.PENDING, 0L) + counts.getOrDefault(AssetState.RUNNING, 0L) > 0;
        return new RunReport(counts, byClass, doneThisRun.get(), failedThisRun.get(), itemsThisRun.get(),
                Duration.between(started, clock.instant()), stop.get() && unfinished,
                Duration.ofNanos(checkpointNanos.get()));
    }

    private void workLoop() {
        // The worker id (host:pid:nonce, as recorded with claims) and the thread within it.
        MDC.put("worker", workerId + "/" + Thread.currentThread().getName());
        if (jobId != null) {
            MDC.put("job", jobId);
        }
        try {
            while (!stop.get()) {
                long ended = assetsEnded();
                Optional<Claim> claim = withStoreRetry(() -> store.claim(workerId, lease));
                if (claim.isEmpty()) {
                    // Nothing pending; claims still held (by this process's other threads or by other
                    // workers) may yet come back: a failed try, a released claim, an expired lease.
                    if (!untilJobEnds || withStoreRetry(store::counts).getOrDefault(AssetState.RUNNING, 0L) == 0) {
                        return;
                    }
                    withStoreRetry(() -> {
                        leaseKeeper.recoverDeadWorkers();
                        return null;
                    });
                    idle(ended);
                    continue;
                }
                try {
                    runOne(claim.get());
                } finally {
                    assetEnded();
                }
            }
        } catch (RuntimeException e) {
            // The store itself failed beyond retries: stop this worker, the others will notice too.
            storeFailed(e);
        } finally {
            MDC.clear();
        }
    }

    /**
     * Waits {@link RetrySettings#IDLE_POLL}, or less: until an asset of this process's other
     * threads ends (what an idle thread mostly waits for: the last assets of a job run here, and
     * the job ends the moment they do, not up to a poll later) or a stop is requested. Claims of
     * other processes are noticed at the next poll.
     *
     * @param seen {@link #assetsEnded()} before the claim that found nothing: an asset that ended
     *             since then ends the wait at once
     */
    private void idle(long seen) {
        long until = System.nanoTime() + RetrySettings.IDLE_POLL.toNanos();
        synchronized (assetEnd) {
            long left;
            while (!stop.get() && assetsEnded == seen && (left = until - System.nanoTime()) > 0) {
                try {
                    // 20 ms at most: a stop request sets a flag and is noticed without a notify
                    assetEnd.wait(Math.max(1, Math.min(20, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private long assetsEnded() {
        synchronized (assetEnd) {
            return assetsEnded;
        }
    }

    /** Wakes the idle threads: an asset of this process ended (done, failed or released). */
    private void assetEnded() {
        synchronized (assetEnd) {
            assetsEnded++;
            assetEnd.notifyAll();
        }
    }

    private void runOne(Claim claim) {
        Asset asset = claim.asset();
        MDC.put("asset", asset.id());
        long t0 = System.nanoTime();
        listener.started(claim);
        int[] tries = {0};
        Context ctx = new Context(claim);
        RetryPolicy<Outcome> policy = RetryPolicy.<Outcome>builder()
                .handleIf(FailureClassifier::isTransient)
                .withBackoff(backoffBase, backoffMax)
                .withJitter(RetrySettings.JITTER)
                .withMaxAttempts(maxTries)
                .onRetry(e -> listener.retrying(claim, e.getLastException(), e.getAttemptCount() + 1))
                .build();
        try {
            Outcome outcome = Failsafe.with(policy).get(() -> {
                tries[0]++;
                ctx.checkStop();
                return Objects.requireNonNull(processor.process(asset, ctx), "processor returned null");
            });
            // committed behind this thread, which goes on with its next asset, when the asset was
            // tiny; after a slow one it waits for the commit, so it holds one asset in flight (see Completions)
            long nanos = System.nanoTime() - t0;
            Completions.Entry<Report> entry = new Completions.Entry<>(new Completion(claim, outcome),
                    new Report(MDC.getCopyOfContextMap(), nanos / 1_000_000));
            if (nanos >= Completions.SLOW_ASSET_NANOS) {
                completions.submitAndAwait(entry);
            } else {
                completions.submit(entry);
            }
        } catch (Throwable raw) {
            Throwable e = raw instanceof FailsafeException && raw.getCause() != null ? raw.getCause() : raw;
            if (e instanceof StopRequestedException) {
                releaseQuietly(claim);
                return;
            }
            if (e instanceof Error && !(e instanceof OutOfMemoryError) && !(e instanceof StackOverflowError)) {
                throw (Error) e;
            }
            Optional<String> full = FailureClassifier.noSpace(e, asset.output());
            if (full.isPresent()) {
                diskFull(full.get());
                releaseQuietly(claim);
                return;
            }
            fail(claim, e, tries[0]);
        } finally {
            MDC.remove("asset");
        }
    }

    /** What the report of a completion needs on the committer thread: the worker's logging context and the asset's time. */
    private record Report(Map<String, String> mdc, long millis) {
    }

    /**
     * Reports the results of the completions committed behind the workers, in each worker's
     * logging context, as the worker itself would have.
     */
    private final class Reports implements Completions.Results<Report> {
        @Override
        public void done(Completions.Entry<Report> entry) {
            Claim claim = entry.completion().claim();
            Outcome outcome = entry.completion().outcome();
            doneThisRun.incrementAndGet();
            itemsThisRun.addAndGet(outcome.items());
            inContext(entry.report(), () -> listener.done(claim, outcome, entry.report().millis()));
        }

        @Override
        public void lost(Completions.Entry<Report> entry, RuntimeException lost) {
            inContext(entry.report(), () -> log.warn(lost.getMessage()));
        }

        @Override
        public void failed(List<Completions.Entry<Report>> batch, RuntimeException e) {
            inContext(batch.get(0).report(), () -> storeFailed(e));
        }

        @Override
        public void batchEnded() {
            assetEnded();
        }

        private void inContext(Report report, Runnable r) {
            if (report.mdc() != null) {
                MDC.setContextMap(report.mdc());
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("A run listener failed: {}", e.toString());
            } finally {
                MDC.clear();
            }
        }
    }

    /**
     * The store failed beyond retries (or its disk is full): the run stops. The assets whose
     * transitions failed stay {@code running} and come back when their lease expires.
     */
    private void storeFailed(RuntimeException e) {
        Optional<String> full = FailureClassifier.noSpace(e, "the checkpoint store");
        if (full.isPresent()) {
            diskFull(full.get());
            return;
        }
        log.atError().setCause(log.isDebugEnabled() ? e : null)
                .log("Worker stopped: checkpoint store failed: {}", e.getMessage());
        stop.set(true);
    }

    private void fail(Claim claim, Throwable e, int tries) {
        FailureClassifier.Failure f = FailureClassifier.classify(e, claim.asset(), tries);
        // The failure itself is reported (one line) by the listener; the stack trace only at DEBUG,
        // since for expected failures (bad input, CRS) the message says all a user needs.
        if (log.isDebugEnabled()) {
            log.atDebug().setCause(e).addKeyValue("error_class", f.errorClass().key())
                    .log("Stack trace of the failure of {}", claim.asset().id());
        }
        try {
            withStoreRetry(() -> {
                store.fail(claim, f.errorClass(), f.message(), f.transientFailure(), tries);
                return null;
            });
        } catch (LeaseLostException lost) {
            log.warn(lost.getMessage());
            return;
        }
        failedThisRun.incrementAndGet();
        listener.failed(claim, f.errorClass(), f.message(), f.transientFailure(), tries);
    }

    /**
     * A full disk (an output's or the checkpoint's) is the job's problem, not the asset's (DESIGN
     * §2.5): the run stops, the asset in hand goes back to pending (released; should the release
     * itself not fit, its lease expires), and one line says what to do. Said once per run.
     */
    private void diskFull(String path) {
        if (diskFullReported.compareAndSet(false, true)) {
            log.atError().addKeyValue("event", "disk_full").addKeyValue("path", path)
                    .log("No space left on device writing {}: the run stops and its assets stay pending;"
                            + " free space, then run 'cairn resume OUTDIR'", path);
        }
        stop.set(true);
    }

    private void releaseQuietly(Claim claim) {
        try {
            withStoreRetry(() -> {
                store.release(claim);
                return null;
            });
            listener.released(claim);
        } catch (RuntimeException e) {
            // The lease will expire and the claim comes back by itself.
            log.warn("Could not release {}: {}", claim.asset().id(), e.getMessage());
        }
    }

    /** Retries transient store errors; built once (a policy is immutable and shared by the threads). */
    private static final RetryPolicy<Object> STORE_RETRY = RetryPolicy.builder()
            .handleIf(e -> e instanceof StoreException s && s.isTransient())
            .withBackoff(RetrySettings.STORE_BACKOFF_BASE, RetrySettings.STORE_BACKOFF_MAX)
            .withJitter(RetrySettings.JITTER)
            .withMaxAttempts(RetrySettings.STORE_MAX_TRIES)
            .build();

    @SuppressWarnings("unchecked")
    private <T> T withStoreRetry(java.util.function.Supplier<T> op) {
        long t0 = System.nanoTime();
        try {
            return Failsafe.with((RetryPolicy<T>) (RetryPolicy<?>) STORE_RETRY).get(op::get);
        } finally {
            checkpointNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The host name recorded with worker claims: {@code HOSTNAME}, else the resolved local host name. */
    public static String localHost() {
        return LeaseKeeper.localHost();
    }

    private final class Context implements ProcessContext {
        private final Claim claim;

        Context(Claim claim) {
            this.claim = claim;
        }

        @Override
        public String workerId() {
            return workerId;
        }

        @Override
        public int attempt() {
            return claim.attempt();
        }

        @Override
        public StagingLock lockStaging(String key) {
            return store.lockStaging(key);
        }

        @Override
        public boolean stopRequested() {
            return stop.get();
        }

        @Override
        public void progress(long items) {
            listener.progress(items);
        }
    }

    /** Configures a {@link Runner}. Defaults: one worker per core, and the lease, tries and backoff of {@link RetrySettings}. */
    public static final class Builder {
        private final CheckpointStore store;
        private final AssetProcessor processor;
        private int workers = Runtime.getRuntime().availableProcessors();
        private Duration lease = RetrySettings.LEASE;
        private int maxTries = RetrySettings.ASSET_MAX_TRIES;
        private Duration backoffBase = RetrySettings.ASSET_BACKOFF_BASE;
        private Duration backoffMax = RetrySettings.ASSET_BACKOFF_MAX;
        private RunListener listener = new RunListener() {
        };
        private Clock clock = Clock.systemUTC();
        private String jobId;
        private boolean untilJobEnds;

        private Builder(CheckpointStore store, AssetProcessor processor) {
            this.store = Objects.requireNonNull(store, "store");
            this.processor = Objects.requireNonNull(processor, "processor");
        }

        public Builder workers(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("workers must be at least 1, was " + n);
            }
            this.workers = n;
            return this;
        }

        public Builder lease(Duration d) {
            this.lease = d;
            return this;
        }

        /** Tries per claim for transient failures (1 = no retry). */
        public Builder maxTries(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("max tries must be at least 1, was " + n);
            }
            this.maxTries = n;
            return this;
        }

        public Builder backoff(Duration base, Duration max) {
            this.backoffBase = base;
            this.backoffMax = max;
            return this;
        }

        public Builder listener(RunListener l) {
            this.listener = Objects.requireNonNull(l);
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** The job id, put in the logging context of every worker thread. */
        public Builder jobId(String id) {
            this.jobId = id;
            return this;
        }

        /**
         * Whether the run lasts until the job ends (nothing pending or running: a worker with
         * nothing to claim waits while others hold claims, which may come back — failed back,
         * released, or their lease expired, a dead local worker's at once) or, by default, until
         * nothing is claimable now. The CLI runs jobs to their end, so that several processes
         * sharing a store all end with the job.
         */
        public Builder untilJobEnds(boolean b) {
            this.untilJobEnds = b;
            return this;
        }

        public Runner build() {
            return new Runner(this);
        }
    }
}
