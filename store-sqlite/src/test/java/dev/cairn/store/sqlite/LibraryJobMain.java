package dev.cairn.store.sqlite;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.Runner;
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
 * A user's job built on the engine as a library, run as its own process by
 * {@link EngineAsLibraryKillTest}: upper-cases every text file of IN into OUT. Each processing is
 * appended to OUT/../processed.log so the test can count rework.
 *
 * <p>Usage: {@code LibraryJobMain IN OUT [blocks-of-4]}; exits with the run's exit code.
 * With {@code blocks-of-4}, its plan is written as blocks of four assets ({@link PlanBlocks})
 * instead of one block.
 */
public final class LibraryJobMain {
    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path log = out.resolveSibling("processed.log");
        Files.createDirectories(out);
        List<Asset> assets = new ArrayList<>();
        try (Stream<Path> files = Files.list(in)) {
            for (Path f : files.sorted().toList()) {
                assets.add(new Asset(f.getFileName().toString(), f.toString(), null,
                        out.resolve(f.getFileName()).toString(), Files.size(f), Files.getLastModifiedTime(f).toMillis()));
            }
        }
        int code;
        try (SqliteStore store = SqliteStore.open(out.resolve(".cairn").resolve("checkpoint.db"))) {
            if (args.length > 2 && args[2].equals("blocks-of-4")) {
                store.planBlocks(new PlanBlocks.Layout(4));
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
            code = report.exitCode();
        }
        System.exit(code);
    }
}
