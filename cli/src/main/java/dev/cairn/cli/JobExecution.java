package dev.cairn.cli;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.JobRecord;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.PlanSummary;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.Runner;
import dev.cairn.geo.convert.ConvertOptions;
import dev.cairn.geo.convert.ConvertProcessor;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a convert job against its checkpoint: used by {@code convert}, {@code resume} and
 * {@code retry-failures}. Shows progress while it runs (see {@link ProgressReporter}), then prints
 * the human summary on stderr and, with {@code --json}, the JSON summary as the last stdout line;
 * returns the exit code.
 */
final class JobExecution {
    private static final Logger log = LoggerFactory.getLogger(JobExecution.class);

    private JobExecution() {
    }

    /** Refuses a run whose options differ from the job recorded in the store, unless {@code fresh}. */
    static void checkDrift(CheckpointStore store, JobSpec spec, boolean fresh, String outDir) {
        JobRecord stored = store.job().orElse(null);
        if (stored == null) {
            store.createJob(spec.toRecord(Instant.now()));
            return;
        }
        List<String> diffs = spec.differencesFrom(stored);
        if (diffs.isEmpty()) {
            return;
        }
        if (fresh) {
            log.info("--fresh: forgetting job {} recorded in {}", stored.id(), outDir);
            store.clear();
            store.createJob(spec.toRecord(Instant.now()));
            return;
        }
        throw new CliException(RunReport.USAGE, "Cannot resume: " + outDir + " holds job " + stored.id()
                + " with other options (" + String.join("; ", diffs).replace('\n', ',')
                + "). Run with --fresh to start over, or use the original options (cairn resume " + outDir + ").");
    }

    /**
     * Runs the job to its end or to a stop. {@code signals} must have been installed when the
     * command started, so that a signal during start-up (CRS database, planning) stops the run too.
     */
    static int run(CheckpointStore store, ConvertOptions options, RunSettings settings, Signals signals) {
        JobRecord job = store.job().orElseThrow();
        ProgressReporter progress = ProgressReporter.start(job.id(), LogSetup.progressMode(), store);
        RunReport report;
        try {
            Runner runner = Runner.builder(store, new ConvertProcessor(options))
                    .workers(settings.workers())
                    .jobId(job.id())
                    .listener(RunListeners.of(new LoggingListener(), progress))
                    .build();
            signals.onStop(runner::requestStop);
            report = runner.run();
        } finally {
            progress.close();
        }
        printSummary(store, job, report, progress.skippedThisRun(), settings);
        return report.exitCode();
    }

    /**
     * Records the plan in the store: new assets added, changed inputs put back to pending, and
     * assets of an older plan forgotten (removed inputs; a file that changed and is now chunked
     * differently), so that no stale asset writes an output the new plan also writes.
     */
    static void applyPlan(CheckpointStore store, List<Asset> assets) {
        PlanSummary plan = store.plan(assets);
        int removed = store.removeUnplanned(assets.stream().map(Asset::id).toList());
        log.info("Planned: {} new, {} unchanged, {} changed since last run, {} no longer planned",
                plan.added(), plan.unchanged(), plan.changed(), removed);
    }

    private static void printSummary(CheckpointStore store, JobRecord job, RunReport r, long skipped, RunSettings settings) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "cairn: job %s %s: %d done, %d failed, %d pending",
                job.id(), r.interrupted() ? "interrupted" : "finished",
                r.count(AssetState.DONE), r.count(AssetState.FAILED),
                r.count(AssetState.PENDING) + r.count(AssetState.RUNNING)));
        if (!r.failuresByClass().isEmpty()) {
            sb.append(" (failed by class: ").append(r.failuresByClassKey()).append(')');
        }
        sb.append(String.format(Locale.ROOT, "; this run: %d done, %d failed, %,d features (%,d skipped) in %.1f s (%,.0f features/s); exit %d",
                r.doneThisRun(), r.failedThisRun(), r.featuresThisRun(), skipped, r.duration().toMillis() / 1000.0,
                r.featuresPerSecond(), r.exitCode()));
        System.err.println(sb);
        if (r.count(AssetState.FAILED) > 0) {
            List<AssetRecord> failed = store.assets(EnumSet.of(AssetState.FAILED));
            int shown = 0;
            for (AssetRecord f : failed) {
                if (shown++ == 20) {
                    System.err.println("cairn:   … and " + (failed.size() - 20) + " more: see 'cairn failures'");
                    break;
                }
                System.err.println("cairn:   failed [" + f.errorClass().key() + "] " + f.message());
            }
        }
        if (r.interrupted()) {
            System.err.println("cairn: run the same command again (or 'cairn resume OUTDIR') to finish the job");
        }
        if (settings.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job", job.id());
            m.put("exit_code", r.exitCode());
            m.put("interrupted", r.interrupted());
            m.put("counts", Json.counts(r.counts()));
            m.put("failures_by_class", r.failuresByClassKey());
            m.put("done_this_run", r.doneThisRun());
            m.put("failed_this_run", r.failedThisRun());
            m.put("features", r.featuresThisRun());
            m.put("skipped_features", skipped);
            m.put("duration_ms", r.duration().toMillis());
            m.put("features_per_second", Math.round(r.featuresPerSecond()));
            m.put("checkpoint_ms", r.checkpointTime().toMillis());
            m.put("workers", settings.workers());
            System.out.println(Json.line(m));
        }
    }

    /** Options that change how a run goes, not what it produces (not part of the fingerprint). */
    record RunSettings(int workers, boolean json) {
    }
}
