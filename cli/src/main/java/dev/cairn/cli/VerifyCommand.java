package dev.cairn.cli;

import dev.cairn.cli.OutputAudit.Finding;
import dev.cairn.cli.OutputAudit.Kind;
import dev.cairn.engine.OutputLayout;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.CheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cairn verify}: checks OUTDIR's outputs against its checkpoint (see {@link OutputAudit})
 * and, with {@code --repair}, puts the inconsistent done assets back to pending (one store
 * transaction) and deletes temp leftovers. Files no asset produces are reported, never deleted:
 * cairn cannot know they are not the user's. Without {@code --repair} the checkpoint is opened
 * read-only, so it is safe while a run is going on.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Check OUTDIR's outputs against its checkpoint: done assets whose output is missing or whose",
                "checksum differs from the committed one, output files no asset produces, leftover temp and staging files.",
                "Prints one line per problem: KIND ASSET PATH DETAIL. Read-only without --repair: safe during a run.",
                "Exit 0 when consistent, 12 when problems were found (also with --repair), 2 when OUTDIR has no checkpoint."})
final class VerifyCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Option(names = "--repair", description = {"Put the done assets with a missing or changed output back to pending (the next",
            "'cairn resume OUTDIR' redoes them) and delete leftover temp and staging files. Extra files are reported, not deleted."})
    boolean repair;

    @Option(names = "--json", description = "Print one JSON object: consistent, problems, counts (and repaired with --repair).")
    boolean json;

    @Override
    public Integer call() {
        Path dir = OutputAudit.normal(checkpoint.outDir);
        List<Finding> findings;
        try (CheckpointStore cp = Stores.openReadOnly(dir, checkpoint.store)) {
            if (cp.job().isEmpty()) {
                throw new CliException(RunReport.USAGE, "The checkpoint in " + dir + " records no job: nothing to verify.");
            }
            OutputLayout layout = JobExecution.storedJob(cp, dir).layout();
            findings = OutputAudit.audit(cp, dir, layout, checkpointFiles(dir, Stores.localFile(dir, checkpoint.store)));
        }
        Map<String, Object> repaired = repair && !findings.isEmpty() ? repair(dir, findings) : null;
        print(findings, repaired);
        return findings.isEmpty() ? RunReport.OK : RunReport.PARTIAL;
    }

    /** The checkpoint's directory and files, which are not outputs. */
    private static Set<Path> checkpointFiles(Path dir, java.util.Optional<Path> db) {
        Set<Path> skip = new LinkedHashSet<>();
        skip.add(dir.resolve(Stores.DIR));
        if (db.isPresent()) {
            Path file = OutputAudit.normal(db.get());
            for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
                skip.add(file.resolveSibling(file.getFileName() + suffix));
            }
        }
        return skip;
    }

    private Map<String, Object> repair(Path dir, List<Finding> findings) {
        int reset = 0;
        int removed = 0;
        try (CheckpointStore cp = Stores.openExisting(dir, checkpoint.store)) {
            for (Kind kind : List.of(Kind.MISSING, Kind.CHECKSUM)) {
                List<String> ids = findings.stream().filter(f -> f.kind() == kind)
                        .flatMap(f -> f.assetIds().stream()).toList();
                reset += cp.resetAssets(ids, "verify --repair: " + (kind == Kind.MISSING
                        ? "output file was missing" : "output checksum differed from the committed one"));
            }
        }
        if (reset > 0) {
            ResetCommand.clearPublishedMarks(dir);
        }
        for (Finding f : findings) {
            if (f.kind() == Kind.TEMP || f.kind() == Kind.STAGING) {
                try {
                    if (Files.deleteIfExists(f.path())) {
                        removed++;
                    }
                } catch (IOException e) {
                    StderrEvents.warning("delete_failed", "cannot delete " + f.path() + ": " + e.getMessage(),
                            Map.of("path", f.path().toString(), "error", String.valueOf(e.getMessage())));
                }
            }
        }
        long extra = findings.stream().filter(f -> f.kind() == Kind.EXTRA).count();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("assets_reset", reset);
        m.put("temp_files_removed", removed);
        m.put("extra_files_left", extra);
        return m;
    }

    private void print(List<Finding> findings, Map<String, Object> repaired) {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            counts.put(k, 0);
        }
        findings.forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("consistent", findings.isEmpty());
            out.put("problems", findings.stream().map(f -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("kind", f.kind().key());
                m.put("asset", f.assetId());
                if (f.assetIds().size() > 1) {
                    m.put("assets", f.assetIds());
                }
                m.put("path", f.path().toString());
                m.put("detail", f.detail());
                return m;
            }).toList());
            Map<String, Integer> c = new LinkedHashMap<>();
            counts.forEach((k, v) -> c.put(k.key(), v));
            out.put("counts", c);
            if (repaired != null) {
                out.put("repaired", repaired);
            }
            System.out.println(Json.line(out));
            return;
        }
        if (findings.isEmpty()) {
            System.out.println("consistent: every done asset's output is present with its committed checksum; no extra or temp files");
            return;
        }
        for (Finding f : findings) {
            System.out.printf("%-8s %s  %s  %s%n", f.kind().key(), f.shownAsset(), f.path(), f.detail());
        }
        System.out.printf("%d problem(s): %d missing, %d checksum, %d extra, %d temp, %d staging%n", findings.size(),
                counts.get(Kind.MISSING), counts.get(Kind.CHECKSUM), counts.get(Kind.EXTRA), counts.get(Kind.TEMP),
                counts.get(Kind.STAGING));
        boolean repairable = findings.size() > counts.get(Kind.EXTRA);
        if (repaired == null) {
            if (repairable) {
                System.out.println("Run 'cairn verify " + checkpoint.outDir + " --repair' to put the affected assets back to pending"
                        + " and remove the temp and staging files.");
            }
            if (counts.get(Kind.EXTRA) > 0) {
                System.out.println("Extra files are never deleted by cairn: remove them yourself if they are not wanted.");
            }
        } else {
            System.out.println("repaired: " + repaired.get("assets_reset") + " asset(s) put back to pending (run 'cairn resume "
                    + checkpoint.outDir + "' to redo them), " + repaired.get("temp_files_removed") + " temp or staging file(s) removed");
            if (counts.get(Kind.EXTRA) > 0) {
                System.out.println("not deleted: " + counts.get(Kind.EXTRA)
                        + " extra file(s) that no asset produces; remove them yourself if they are not wanted");
            }
        }
    }
}
