package dev.cairn.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * Marks of chunked outputs already published, in {@code OUTDIR/.cairn/published/PLANKEY}.
 *
 * <p>Why: the chunk that completes a file publishes it and the staging file disappears (renamed
 * into the output, or deleted after the export). A chunk of the same plan that runs after that
 * (a chunk redone because its checkpoint was lost to a kill while its rows were already
 * committed, racing the finaliser) would otherwise find no staging file, start an empty one and
 * leave it behind. The mark is written before the staging file goes; a chunk that finds the
 * mark, no staging file and the output in place is done. (Chunks staged as part files: the mark
 * is written once every part is there, before the output is published and the parts deleted; a
 * chunk that finds the mark, the output, and not every part, is done.) {@code reset --all} and
 * {@code verify --repair} clear the marks, so outputs they send back to work are rebuilt.
 */
public final class PublishedMarkers {
    private PublishedMarkers() {
    }

    /** The mark of the plan {@code planKey} under {@code outDir}. */
    public static Path marker(Path outDir, String planKey) {
        return outDir.resolve(".cairn").resolve("published").resolve(planKey);
    }

    /**
     * Writes {@code mark} (naming {@code output}) and makes it durable, file and directory entry,
     * before the caller publishes the output and removes what it was staged in.
     */
    public static void mark(Path mark, Path output) throws IOException {
        Files.createDirectories(mark.getParent());
        Files.write(mark, (output + "\n").getBytes(StandardCharsets.UTF_8));
        try (FileChannel ch = FileChannel.open(mark, StandardOpenOption.WRITE)) {
            ch.force(true); // on disk before the staging file can go
        }
        AtomicFiles.fsyncDirectory(mark.getParent());
    }

    /**
     * True when the plan of {@code mark} was published already: the mark is there, the staging
     * file it was built in is gone, and the output is there. A null mark is never published.
     */
    public static boolean isPublished(Path mark, Path staging, Path output) {
        return mark != null && Files.exists(mark) && !Files.exists(staging) && Files.exists(output);
    }

    /** Deletes every mark under {@code outDir}; returns how many. */
    public static int clearAll(Path outDir) throws IOException {
        Path dir = outDir.resolve(".cairn").resolve("published");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        try (Stream<Path> marks = Files.list(dir)) {
            for (Path m : marks.toList()) {
                n += Files.deleteIfExists(m) ? 1 : 0;
            }
        }
        return n;
    }
}
