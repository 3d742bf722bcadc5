package dev.cairn.cli;

import dev.cairn.engine.Job;
import dev.cairn.engine.CheckpointStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cairn resume}: re-plans and runs the job recorded in OUTDIR's checkpoint, whatever its
 * kind (its {@link dev.cairn.engine.JobType} is looked up by the recorded kind).
 */
@Command(name = "resume", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Re-run the job recorded in OUTDIR's checkpoint with its original options.")
final class ResumeCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Mixin
    RunOptions run = new RunOptions();

    @Override
    public Integer call() {
        Signals signals = Signals.installed();
        JobExecution.RunSettings settings = run.settings();
        try (CheckpointStore cp = Stores.openExisting(checkpoint.dir(), checkpoint.store)) {
            Job job = JobExecution.storedJob(cp, checkpoint.outDir);
            JobExecution.applyPlan(cp, JobExecution.plan(job));
            return JobExecution.run(cp, job, settings, signals);
        }
    }
}
