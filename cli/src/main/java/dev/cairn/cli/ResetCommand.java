package dev.cairn.cli;

import dev.cairn.engine.PublishedMarkers;
import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.CheckpointStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cairn reset}: puts failed assets, or every asset, back to pending (one store
 * transaction, a {@code reset} event per asset). Outputs are not touched.
 */
@Command(name = "reset", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Put assets of OUTDIR's job back to pending, so that the next 'cairn resume OUTDIR' processes them.",
                "Outputs are not deleted: they stay where they are until the next run overwrites them atomically."})
final class ResetCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--failed", required = true, description = "Reset the failed assets (dead letters) only.")
        boolean failed;

        @Option(names = "--all", required = true, description = {"Reset every asset, done ones included: the whole job is redone.",
                "Refused while a run holds live claims."})
        boolean all;
    }

    /** Chunked outputs are rebuilt by the next run too, like every other output (see PublishedMarkers). */
    static void clearPublishedMarks(Path dir) {
        try {
            PublishedMarkers.clearAll(dir);
        } catch (java.io.IOException e) {
            throw new CliException(RunReport.RUNTIME_ERROR, "Cannot clear " + dir.resolve(".cairn/published") + ": "
                    + e.getMessage());
        }
    }

    @Override
    public Integer call() {
        Path dir = checkpoint.dir();
        try (CheckpointStore cp = Stores.openExisting(dir, checkpoint.store)) {
            int reset;
            if (which.all) {
                Instant now = Instant.now();
                List<AssetRecord> live = cp.assets(EnumSet.of(AssetState.RUNNING)).stream()
                        .filter(a -> a.leaseUntil() != null && a.leaseUntil().isAfter(now)).toList();
                if (!live.isEmpty()) {
                    throw new CliException(RunReport.USAGE, "Cannot reset all assets of " + dir + ": a run is going on ("
                            + live.size() + " live claim(s), e.g. " + live.get(0).asset().id() + " by worker "
                            + live.get(0).worker() + "). Stop it first (Ctrl-C), or wait for it to finish.");
                }
                reset = cp.resetAll();
                clearPublishedMarks(dir);
            } else {
                reset = cp.resetFailed(null);
            }
            System.out.println("reset " + reset + (which.all ? " asset(s)" : " failed asset(s)")
                    + " to pending; run 'cairn resume " + checkpoint.outDir + "' to process them"
                    + (which.all ? " (existing outputs are overwritten atomically)" : ""));
            return RunReport.OK;
        }
    }
}
