package dev.cairn.cli;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.JobRecord;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.PlanSummary;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.RetrySettings;
import dev.cairn.engine.StoreException;
import dev.cairn.engine.Runner;
import dev.cairn.engine.InvalidJobSpecException;
import dev.cairn.engine.Job;
import dev.cairn.engine.JobTypes;
import dev.cairn.engine.OptionDriftException;
import dev.cairn.engine.PlanningException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job of any kind against its checkpoint: used by {@code convert}, {@code resume} and
 * {@code retry-failures}. Shows progress while it runs (see {@link ProgressReporter}), then prints
 * the summary on stderr (text lines or JSON events, see {@link StderrEvents}) and, with
 * {@code --json}, the JSON summary as the last stdout line; returns the exit code.
 */
final class JobExecution {
    private static final Logger log = LoggerFactory.getLogger(JobExecution.class);
    /** Failed assets listed after the summary; {@code cairn failures} lists them all. */
    private static final int FAILURES_LISTED = 20;

    private JobExecution() {
    }

    /** The job types on the class path. */
    static final JobTypes JOB_TYPES = JobTypes.load();

    /**
     * Records {@code spec} in the store or resumes it; a run whose options differ from the job
     * recorded in the store is refused (exit 2, {@link OptionDriftException}) unless {@code fresh}.
     */
    static void checkDrift(CheckpointStore store, JobSpec spec, boolean fresh, String outDir) {
        try {
            spec.resumeOrStart(store, fresh, outDir);
        } catch (OptionDriftException e) {
            throw new CliException(RunReport.USAGE, e.getMessage());
        }
    }

    /** The job recorded in {@code store}, bound to its type; exit 2 when there is none or its kind is not installed. */
    static Job storedJob(CheckpointStore store, Path outDir) {
        JobRecord record = store.job().orElseThrow(() -> new CliException(RunReport.USAGE,
                "The checkpoint in " + outDir + " records no job; start one with 'cairn " + String.join("' or 'cairn ",
                        JOB_TYPES.kinds()) + "'."));
        try {
            return JOB_TYPES.open(JobSpec.of(record));
        } catch (InvalidJobSpecException e) {
            throw new CliException(RunReport.USAGE, "The checkpoint in " + outDir + " records " + e.getMessage() + ".");
        }
    }

    /**
     * What a job command ({@code convert}, {@code warp}) does once its options are valid: opens the
     * job of {@code spec} (exit 2 if this build cannot), plans it (exit 2 if it cannot be planned,
     * before any output is written), refuses option drift unless {@code fresh}, records the plan
     * and runs the job in the store at {@code storeUrl} (null: OUTDIR's own). A checkpoint that
     * cannot be used (damaged, newer) exits 2, or with {@code fresh} is set aside and started over.
     */
    static int start(JobSpec spec, Path outDir, String storeUrl, boolean fresh, RunSettings settings, Signals signals) {
        Job job;
        try {
            job = JOB_TYPES.open(spec);
        } catch (InvalidJobSpecException e) {
            throw new CliException(RunReport.USAGE, "cannot run " + e.getMessage() + ".");
        }
        List<Asset> assets = plan(job);
        CheckpointStore cp = bind(Stores.open(outDir, storeUrl, fresh), job.spec(), fresh, outDir.toString(),
                () -> Stores.open(outDir, storeUrl));
        if (storeUrl == null || storeUrl.isBlank()) {
            onlyJobOfOutdir(cp, job.spec(), outDir.toString());
        }
        try {
            applyPlan(cp, assets);
            return run(cp, job, settings, signals);
        } finally {
            cp.close();
        }
    }

    /**
     * {@link #checkDrift} on {@code cp}; returns the handle bound to the job. When another run on
     * the same checkpoint recorded the job between this one's look and its insert (two runs
     * started at the same instant), the insert fails: {@code cp} is closed and the checkpoint
     * opened again with {@code reopen}, bound to the job now recorded, which this run joins (or
     * is refused as drift if its options differ).
     */
    static CheckpointStore bind(CheckpointStore cp, JobSpec spec, boolean fresh, String where,
            java.util.function.Supplier<CheckpointStore> reopen) {
        try {
            checkDrift(cp, spec, fresh, where);
            return cp;
        } catch (StoreException e) {
            cp.close();
            if (e.isTransient()) {
                throw e;
            }
            log.atDebug().log("joining the job another run recorded meanwhile: {}", e.getMessage());
            CheckpointStore again = reopen.get();
            try {
                checkDrift(again, spec, false, where);
                return again;
            } catch (RuntimeException refused) {
                again.close();
                throw refused;
            }
        } catch (RuntimeException e) {
            cp.close();
            throw e;
        }
    }

    /**
     * OUTDIR's own checkpoint holds one job. Two runs with different options started on one
     * OUTDIR at the same instant can each find no job and record their own (the look and the
     * insert are two transactions): the run whose job was recorded later forgets it and is
     * refused as option drift against the earlier one, before it plans or writes anything.
     */
    static void onlyJobOfOutdir(CheckpointStore cp, JobSpec spec, String where) {
        List<JobRecord> jobs = cp.jobs();
        JobRecord mine = cp.job().orElseThrow();
        if (jobs.size() > 1 && !jobs.get(0).id().equals(mine.id())) {
            JobRecord first = jobs.get(0);
            cp.clear();
            cp.close();
            throw new CliException(RunReport.USAGE, new OptionDriftException(where, first, spec.differencesFrom(first))
                    .getMessage());
        }
    }

    /** The job's plan; a job that cannot be planned exits 2 before any output is written. */
    static List<Asset> plan(Job job) {
        try {
            return job.plan();
        } catch (PlanningException e) {
            throw new CliException(RunReport.USAGE, e.getMessage());
        }
    }

    /**
     * Runs the job to its end or to a stop. {@code signals} must have been installed when the
     * command started, so that a signal during start-up (CRS database, planning) stops the run too.
     */
    static int run(CheckpointStore store, Job kind, RunSettings settings, Signals signals) {
        JobRecord job = store.job().orElseThrow();
        String unit = kind.type().unit();
        ProgressReporter progress = ProgressReporter.start(job.id(), LogSetup.progressMode(), store, kind);
        RunReport report;
        try {
            Runner runner = Runner.builder(store, kind.processor())
                    .workers(settings.workers())
                    .lease(RetrySettings.lease())
                    .jobId(job.id())
                    .untilJobEnds(true)
                    .listener(RunListeners.of(new LoggingListener(unit), progress))
                    .build();
            signals.onStop(runner::requestStop);
            report = runner.run();
        } finally {
            progress.close();
        }
        printSummary(store, job, unit, report, progress.skippedThisRun(), settings);
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
        log.atInfo().addKeyValue("event", "planned")
                .addKeyValue("assets_new", plan.added()).addKeyValue("assets_unchanged", plan.unchanged())
                .addKeyValue("assets_changed", plan.changed()).addKeyValue("assets_unplanned", removed)
                .log("Planned: {} new, {} unchanged, {} changed since last run, {} no longer planned",
                        plan.added(), plan.unchanged(), plan.changed(), removed);
    }

    /**
     * The end of a run: the summary (and the failed assets, at most {@value #FAILURES_LISTED} of
     * them) on stderr, as {@code cairn:} lines or, with JSON logs, as events whose fields are those
     * of the {@code --json} summary; with {@code --json}, that summary as the last stdout line.
     */
    private static void printSummary(CheckpointStore store, JobRecord job, String unit, RunReport r, long skipped,
            RunSettings settings) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "job %s %s: %d done, %d failed, %d pending",
                job.id(), r.interrupted() ? "interrupted" : "finished",
                r.count(AssetState.DONE), r.count(AssetState.FAILED),
                r.count(AssetState.PENDING) + r.count(AssetState.RUNNING)));
        if (!r.failuresByClass().isEmpty()) {
            sb.append(" (failed by class: ").append(r.failuresByClassKey()).append(')');
        }
        sb.append(String.format(Locale.ROOT, "; this run: %d done, %d failed, %,d %s (%,d skipped) in %.1f s (%,.0f %s/s); exit %d",
                r.doneThisRun(), r.failedThisRun(), r.itemsThisRun(), unit, skipped, r.duration().toMillis() / 1000.0,
                r.itemsPerSecond(), unit, r.exitCode()));
        Map<String, Object> summary = summaryFields(job, unit, r, skipped, settings);
        StderrEvents.summary(sb.toString(), summary, r.exitCode());
        if (r.count(AssetState.FAILED) > 0) {
            List<AssetRecord> failed = store.assets(EnumSet.of(AssetState.FAILED));
            failed.stream().limit(FAILURES_LISTED).forEach(StderrEvents::failure);
            if (failed.size() > FAILURES_LISTED) {
                StderrEvents.failuresNotListed(failed.size() - FAILURES_LISTED);
            }
        }
        if (r.interrupted()) {
            StderrEvents.resumeHint();
        }
        if (settings.json()) {
            System.out.println(Json.line(summary));
        }
    }

    /** The summary's facts, keyed as the {@code --json} summary (DESIGN §3) and the stderr summary event. */
    private static Map<String, Object> summaryFields(JobRecord job, String unit, RunReport r, long skipped,
            RunSettings settings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job.id());
        m.put("exit_code", r.exitCode());
        m.put("interrupted", r.interrupted());
        m.put("counts", Json.counts(r.counts()));
        m.put("failures_by_class", r.failuresByClassKey());
        m.put("done_this_run", r.doneThisRun());
        m.put("failed_this_run", r.failedThisRun());
        m.put("unit", unit);
        m.put("features", r.itemsThisRun());
        m.put("skipped_features", skipped);
        m.put("duration_ms", r.duration().toMillis());
        m.put("features_per_second", Math.round(r.itemsPerSecond()));
        m.put("checkpoint_ms", r.checkpointTime().toMillis());
        m.put("workers", settings.workers());
        return m;
    }

    /** Options that change how a run goes, not what it produces (not part of the fingerprint). */
    record RunSettings(int workers, boolean json) {
    }
}
