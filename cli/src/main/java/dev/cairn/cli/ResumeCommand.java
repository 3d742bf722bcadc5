package dev.cairn.cli;

import dev.cairn.engine.JobSpec;
import dev.cairn.engine.RunReport;
import dev.cairn.geo.convert.ConvertOptions;
import dev.cairn.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
        try (SqliteStore cp = Stores.openExisting(checkpoint.dir(), checkpoint.store)) {
            ConvertOptions options = storedOptions(cp, checkpoint.outDir);
            JobExecution.applyPlan(cp, ConvertCommand.plan(options));
            return JobExecution.run(cp, options, settings, signals);
        }
    }

    static ConvertOptions storedOptions(SqliteStore cp, Path outDir) {
        var job = cp.job().orElseThrow(() -> new CliException(RunReport.USAGE,
                "The checkpoint in " + outDir + " records no job; start one with 'cairn convert'."));
        if (!ConvertOptions.KIND.equals(job.kind())) {
            throw new CliException(RunReport.USAGE, "The checkpoint in " + outDir + " records a '" + job.kind()
                    + "' job, which this version of cairn cannot run.");
        }
        return ConvertOptions.fromSpec(JobSpec.of(job));
    }
}
