package dev.cairn.cli;

import dev.cairn.engine.AssetState;
import dev.cairn.engine.JobRecord;
import dev.cairn.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Show how many assets of OUTDIR's job are done, failed, pending and running. Safe while a run is going on.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Parameters(paramLabel = "OUTDIR", description = "Output directory of a run.")
    Path outDir;

    @Option(names = "--store", paramLabel = "PATH", description = "Checkpoint SQLite file (default: OUTDIR/.cairn/checkpoint.db).")
    String store;

    @Option(names = "--json", description = "Print the status as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        try (SqliteStore cp = Stores.openReadOnly(outDir.toAbsolutePath().normalize(), store)) {
            JobRecord job = cp.job().orElse(null);
            Map<AssetState, Long> counts = cp.counts();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("job", job == null ? null : job.id());
                m.put("kind", job == null ? null : job.kind());
                m.put("fingerprint", job == null ? null : job.fingerprint());
                m.put("counts", Json.counts(counts));
                System.out.println(Json.line(m));
            } else {
                if (job != null) {
                    System.out.println("job " + job.id() + " (" + job.kind() + ", --to " + job.spec().get("--to") + ")");
                }
                long total = counts.values().stream().mapToLong(Long::longValue).sum();
                System.out.printf("done %d  failed %d  pending %d  running %d  total %d%n",
                        counts.get(AssetState.DONE), counts.get(AssetState.FAILED), counts.get(AssetState.PENDING),
                        counts.get(AssetState.RUNNING), total);
            }
            return 0;
        }
    }
}
