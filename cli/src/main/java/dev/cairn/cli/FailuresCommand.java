package dev.cairn.cli;

import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "failures", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List the dead letters of OUTDIR's job: asset, error class, attempts and message.")
final class FailuresCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Parameters(paramLabel = "OUTDIR", description = "Output directory of a run.")
    Path outDir;

    @Option(names = "--store", paramLabel = "PATH", description = "Checkpoint SQLite file (default: OUTDIR/.cairn/checkpoint.db).")
    String store;

    @Option(names = "--json", description = "Print the failures as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        try (SqliteStore cp = Stores.openReadOnly(outDir.toAbsolutePath().normalize(), store)) {
            List<AssetRecord> failed = cp.assets(EnumSet.of(AssetState.FAILED));
            if (json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                Map<String, Long> byClass = new TreeMap<>();
                for (AssetRecord f : failed) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("asset", f.asset().id());
                    m.put("input", f.asset().input());
                    m.put("error_class", f.errorClass().key());
                    m.put("message", f.message());
                    m.put("attempts", f.tries());
                    m.put("transient", f.transientFailure());
                    rows.add(m);
                    byClass.merge(f.errorClass().key(), 1L, Long::sum);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("count", failed.size());
                out.put("by_class", byClass);
                out.put("failures", rows);
                System.out.println(Json.line(out));
            } else if (failed.isEmpty()) {
                System.out.println("no failures");
            } else {
                for (AssetRecord f : failed) {
                    System.out.printf("%-10s %-40s %d attempt(s)  %s%n", f.errorClass().key(), f.asset().id(), f.tries(), f.message());
                }
            }
            return 0;
        }
    }
}
