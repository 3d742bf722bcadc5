package dev.cairn.cli;

import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.Job;
import dev.cairn.engine.CheckpointStore;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "retry-failures", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Put the failed assets of OUTDIR's job back to pending and run them again.",
                "Done assets are not touched and no new inputs are planned."})
final class RetryFailuresCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Option(names = "--class", paramLabel = "CLASS", description = "Only failures of this error class (crs, format, geometry, io, internal).")
    String errorClass;

    @Mixin
    RunOptions run = new RunOptions();

    @Override
    public Integer call() {
        Signals signals = Signals.installed();
        ErrorClass only = null;
        if (errorClass != null) {
            try {
                only = ErrorClass.fromKey(errorClass);
            } catch (IllegalArgumentException e) {
                throw new CliException(RunReport.USAGE, "--class " + errorClass + ": unknown error class; use one of "
                        + Arrays.stream(ErrorClass.values()).map(ErrorClass::key).toList() + ".");
            }
        }
        JobExecution.RunSettings settings = run.settings();
        try (CheckpointStore cp = Stores.openExisting(checkpoint.dir(), checkpoint.store)) {
            Job job = JobExecution.storedJob(cp, checkpoint.outDir);
            int reset = cp.resetFailed(only);
            LoggerFactory.getLogger(RetryFailuresCommand.class).info("{} failed asset(s) put back to pending", reset);
            return JobExecution.run(cp, job, settings, signals);
        }
    }
}
