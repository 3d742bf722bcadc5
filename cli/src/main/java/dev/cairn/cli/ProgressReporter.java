package dev.cairn.cli;

import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.Claim;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.RunListener;
import dev.cairn.engine.Job;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a run: assets and items done out of the totals known from planning, the rate
 * of this run and an ETA. Items are counted in the job's unit ({@link dev.cairn.engine.JobType#unit()}:
 * features for {@code convert}); the JSON keys say {@code features} for every kind (kept for the
 * consumers that read them) and {@code unit} names the unit. Fed by the Runner's callbacks; thread-safe (counters are atomic, the
 * output is serialised by {@link StatusLine} or the logger).
 *
 * <p><b>Totals.</b> Assets: every asset of the job (done and failed ones included, so the count
 * matches {@code cairn status}). Features: for {@code done} assets the stored count (written plus
 * skipped); for {@code pending} and {@code running} ones the job's estimate at start
 * ({@link Job#estimate}: for {@code convert} GeoPackage tables, Shapefile and FlatGeobuf headers,
 * a chunk its share of the file; GeoJSON counts 0). Assets already {@code failed} are not claimed by this run and
 * their features are not in the total; an asset that fails during the run leaves the total, and a
 * finished asset replaces its estimate by its real count, so the bar ends at 100 %.
 *
 * <p><b>Output.</b> {@link LogSetup.ProgressMode#BAR}: a bar on stderr redrawn four times a
 * second (progressbar library, our own {@link ProgressLine} renderer, drawn through the
 * {@link StatusLine} so that log lines appear above it). {@link LogSetup.ProgressMode#EVENTS}:
 * every {@link #EVENT_PERIOD_SECONDS} s and once at the end, an INFO event on the
 * {@code dev.cairn.progress} logger whose key-value fields are those of the JSON progress object
 * ({@code event, assets_done, assets_failed, assets_total, features_done, features_total,
 * features_per_second, eta_seconds}): with JSON logs that is one JSON object per line among the
 * other log lines, with the same timestamp and {@code job} fields. Going through the logger keeps
 * one writer on stderr (no interleaved half lines) and lets {@code --quiet} (WARN) silence it.
 * {@link LogSetup.ProgressMode#OFF}: nothing shown, nothing counted at start.
 */
final class ProgressReporter implements RunListener, AutoCloseable {
    static final int EVENT_PERIOD_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger("dev.cairn.progress");

    private final String jobId;
    private final String unit;
    private final LogSetup.ProgressMode mode;
    private final long assetsTotal;
    private final AtomicLong assetsDone = new AtomicLong();
    private final AtomicLong assetsFailed = new AtomicLong();
    private final AtomicLong featuresDone = new AtomicLong();
    private final AtomicLong featuresTotal = new AtomicLong();
    private final long featuresDoneAtStart;
    private final long startNanos = System.nanoTime();
    private final LongAdder skippedThisRun = new LongAdder();
    private final Map<String, Long> estimated = new ConcurrentHashMap<>();
    private final Map<Claim, LongAdder> inFlight = new ConcurrentHashMap<>();
    private final ThreadLocal<LongAdder> current = new ThreadLocal<>();
    private ProgressBar bar;
    private ScheduledExecutorService ticker;

    private ProgressReporter(String jobId, LogSetup.ProgressMode mode, CheckpointStore store, Job job) {
        this.jobId = jobId;
        this.unit = job.type().unit();
        this.mode = mode;
        Map<AssetState, Long> counts = store.counts();
        this.assetsTotal = counts.values().stream().mapToLong(Long::longValue).sum();
        assetsDone.set(counts.getOrDefault(AssetState.DONE, 0L));
        assetsFailed.set(counts.getOrDefault(AssetState.FAILED, 0L));
        long doneFeatures = 0;
        long total = 0;
        if (mode != LogSetup.ProgressMode.OFF) {
            for (AssetRecord r : store.assets(EnumSet.of(AssetState.DONE))) {
                doneFeatures += r.items() + r.skipped();
            }
            total = doneFeatures;
            for (AssetRecord r : store.assets(EnumSet.of(AssetState.PENDING, AssetState.RUNNING))) {
                // An estimate, replaced by the real count when the asset finishes.
                long n = job.estimate(r.asset());
                estimated.put(r.asset().id(), n);
                total += n;
            }
        }
        this.featuresDoneAtStart = doneFeatures;
        featuresDone.set(doneFeatures);
        featuresTotal.set(total);
    }

    /** Counts the totals from {@code store} (unless {@code mode} is OFF) and starts showing progress. */
    static ProgressReporter start(String jobId, LogSetup.ProgressMode mode, CheckpointStore store, Job job) {
        ProgressReporter r = new ProgressReporter(jobId, mode, store, job);
        if (mode == LogSetup.ProgressMode.BAR) {
            ProgressLine line = new ProgressLine(r);
            r.bar = new ProgressBarBuilder()
                    .setTaskName("cairn")
                    .setInitialMax(Math.max(r.featuresTotal.get(), 1))
                    .setUpdateIntervalMillis(250)
                    .continuousUpdate()
                    .setRenderer(line)
                    .setConsumer(new DelegatingProgressBarConsumer(StatusLine.STDERR::draw))
                    .build();
        } else if (mode == LogSetup.ProgressMode.EVENTS) {
            r.ticker = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread t = new Thread(task, "cairn-progress");
                t.setDaemon(true);
                return t;
            });
            r.ticker.scheduleAtFixedRate(r::logEvent, EVENT_PERIOD_SECONDS, EVENT_PERIOD_SECONDS, TimeUnit.SECONDS);
        }
        return r;
    }

    /** A consistent-enough view of the counters (each read is atomic, the set is not). */
    record Snapshot(long assetsDone, long assetsFailed, long assetsTotal, long featuresDone, long featuresTotal,
                    double featuresPerSecond, Long etaSeconds) {
    }

    Snapshot snapshot() {
        long done = featuresDone.get();
        long total = Math.max(featuresTotal.get(), done);
        double seconds = Math.max(System.nanoTime() - startNanos, 1) / 1e9;
        double rate = Math.max(done - featuresDoneAtStart, 0) / seconds;
        Long eta = rate > 0 ? Long.valueOf(Math.round((total - done) / rate)) : total == done ? Long.valueOf(0) : null;
        return new Snapshot(assetsDone.get(), assetsFailed.get(), assetsTotal, done, total, rate, eta);
    }

    /** The job's unit of progress, e.g. {@code features}. */
    String unit() {
        return unit;
    }

    /** Features skipped by policy in this run (for the summary). */
    long skippedThisRun() {
        return skippedThisRun.sum();
    }

    @Override
    public void started(Claim claim) {
        LongAdder partial = new LongAdder();
        inFlight.put(claim, partial);
        current.set(partial);
    }

    @Override
    public void progress(long features) {
        featuresDone.addAndGet(features);
        LongAdder partial = current.get();
        if (partial != null) {
            partial.add(features);
        }
    }

    @Override
    public void retrying(Claim claim, Throwable cause, int tryNumber) {
        LongAdder partial = inFlight.get(claim);
        if (partial != null) {
            featuresDone.addAndGet(-partial.sumThenReset()); // the next try counts them again
        }
    }

    @Override
    public void done(Claim claim, Outcome outcome, long millis) {
        long actual = outcome.items() + outcome.skipped();
        featuresDone.addAndGet(actual - endOf(claim));
        Long estimate = estimated.remove(claim.asset().id());
        if (estimate != null) {
            featuresTotal.addAndGet(actual - estimate);
        }
        skippedThisRun.add(outcome.skipped());
        assetsDone.incrementAndGet();
    }

    @Override
    public void failed(Claim claim, ErrorClass errorClass, String message, boolean transientFailure, int tries) {
        featuresDone.addAndGet(-endOf(claim));
        Long estimate = estimated.remove(claim.asset().id());
        if (estimate != null) {
            featuresTotal.addAndGet(-estimate);
        }
        assetsFailed.incrementAndGet();
    }

    @Override
    public void released(Claim claim) {
        featuresDone.addAndGet(-endOf(claim)); // rolled back: a later run does them
    }

    private long endOf(Claim claim) {
        LongAdder partial = inFlight.remove(claim);
        if (current.get() == partial) {
            current.remove();
        }
        return partial == null ? 0 : partial.sum();
    }

    private void logEvent() {
        Snapshot s = snapshot();
        log.atInfo()
                .addKeyValue("event", "progress")
                .addKeyValue("job", jobId)
                .addKeyValue("assets_done", s.assetsDone())
                .addKeyValue("assets_failed", s.assetsFailed())
                .addKeyValue("assets_total", s.assetsTotal())
                .addKeyValue("features_done", s.featuresDone())
                .addKeyValue("features_total", s.featuresTotal())
                .addKeyValue("features_per_second", Math.round(s.featuresPerSecond()))
                .addKeyValue("eta_seconds", s.etaSeconds())
                .addKeyValue("unit", unit)
                .log("progress: {}/{} assets done ({} failed), {}/{} {}, {} {}/s, ETA {}",
                        s.assetsDone(), s.assetsTotal(), s.assetsFailed(), s.featuresDone(), s.featuresTotal(), unit,
                        Math.round(s.featuresPerSecond()), unit, ProgressLine.duration(s.etaSeconds()));
    }

    /** Stops the display: the bar is drawn a last time and left on screen; events end with a final one. */
    @Override
    public void close() {
        if (bar != null) {
            bar.stepTo(featuresDone.get());
            bar.close();
            StatusLine.STDERR.finish();
        }
        if (ticker != null) {
            ticker.shutdownNow();
            logEvent();
        }
    }
}
