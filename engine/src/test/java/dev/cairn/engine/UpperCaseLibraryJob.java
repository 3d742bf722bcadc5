package dev.cairn.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A user's job built on the engine as a library, for the kill tests of each store
 * ({@link LibraryKillLoop}): upper-cases every text file of IN into OUT, two workers. Each
 * processing is appended to OUT/../processed.log so the test can count rework. A store module's
 * test main opens its store and calls {@link #run}.
 */
public final class UpperCaseLibraryJob {

    private UpperCaseLibraryJob() {
    }

    /** Plans IN into {@code store} (creating the job when it has none), runs it, returns the run's exit code. */
    public static int run(CheckpointStore store, Path in, Path out) throws IOException {
        Path log = out.resolveSibling("processed.log");
        Files.createDirectories(out);
        List<Asset> assets = new ArrayList<>();
        try (Stream<Path> files = Files.list(in)) {
            for (Path f : files.sorted().toList()) {
                assets.add(new Asset(f.getFileName().toString(), f.toString(), null,
                        out.resolve(f.getFileName()).toString(), Files.size(f), Files.getLastModifiedTime(f).toMillis()));
            }
        }
        if (store.job().isEmpty()) {
            store.createJob(new JobSpec("upper", Map.of("in", in.toString())).toRecord(Instant.now()));
        }
        store.plan(assets);
        RunReport report = Runner.builder(store, (asset, ctx) -> {
            Files.writeString(log, asset.id() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            String text = Files.readString(Path.of(asset.input()));
            Path target = Path.of(asset.output());
            AtomicFiles.removeLeftovers(target); // temp files of attempts killed mid-write
            Path temp = AtomicFiles.tempFor(target, ctx.attempt());
            // Written slowly, in pieces, so that kills land mid-write.
            try (var w = Files.newBufferedWriter(temp)) {
                for (String line : text.split("\n")) {
                    w.write(line.toUpperCase(Locale.ROOT));
                    w.write('\n');
                    ctx.checkStop();
                    Thread.sleep(1);
                }
            }
            String checksum = AtomicFiles.commit(temp, target);
            return new Outcome(text.split("\n").length, 0, checksum);
        }).workers(2).build().run();
        return report.exitCode();
    }
}
