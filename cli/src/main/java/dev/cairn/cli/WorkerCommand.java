package dev.cairn.cli;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.Job;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cairn worker}: joins a job another process planned, from the spec stored with it (any
 * kind: its {@link dev.cairn.engine.JobType} is looked up by the recorded kind), claims its
 * assets until none is pending, and exits with the job's exit code. It never plans: the job's
 * assets are what the command that started it planned.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Join a job recorded in a checkpoint store and work on it until nothing is left to claim;"
                + " exit with the job's exit code.",
                "Start the job once with its command (e.g. 'cairn convert ... --store URL'), then run workers on any"
                        + " number of machines that see the same inputs and outputs."})
final class WorkerCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Option(names = "--store", required = true, paramLabel = "URL", description = "The checkpoint store holding the job: postgresql://HOST/DB, or a SQLite file path or sqlite:PATH (processes on one machine).")
    String store;

    @Option(names = "--job", paramLabel = "ID", description = "The job to join (see 'cairn status'). Default: the store's most recent job.")
    String job;

    @Mixin
    RunOptions run = new RunOptions();

    @Override
    public Integer call() {
        Signals signals = Signals.installed();
        try (CheckpointStore cp = Stores.openJob(store, job)) {
            Job bound = JobExecution.storedJob(cp, java.nio.file.Path.of(store));
            return JobExecution.run(cp, bound, run.settings(), signals);
        }
    }
}
