package dev.cairn.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input files found under a directory input, each with its path relative to that directory:
 * what every job kind mirrors into OUTDIR ({@code INPUT/a/b.tif} → {@code OUTDIR/a/b.tif}) and
 * keys its assets by.
 *
 * <p>Links are followed, to files and to directories: data trees are often assembled from links.
 * A file found through a link is keyed by its path under the input root (the link's), so the asset
 * and its output name do not depend on where the data lives; a link to one of its own ancestors is
 * warned about and not followed (its files are found once, under the ancestor). Hidden files and
 * directories (such as {@code .cairn}) and OUTDIR itself are not searched. Files come sorted by path.
 */
public final class InputTree {
    private static final Logger log = LoggerFactory.getLogger(InputTree.class);

    /** A file found, and its path relative to the directory input it was found under. */
    public record Found(Path file, Path relative) {
    }

    private InputTree() {
    }

    /**
     * The regular files under {@code root} (not hidden, not under {@code outDir}) that
     * {@code candidate} accepts.
     *
     * @throws PlanningException when the tree cannot be listed; the message names the directory
     */
    public static List<Found> files(Path root, Path outDir, Predicate<Path> candidate) throws PlanningException {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof FileSystemLoopException) {
                        log.warn("{}: a link back to one of its parent directories; not followed", file);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    boolean hidden = !dir.equals(root) && dir.getFileName().toString().startsWith(".");
                    return hidden || dir.equals(outDir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(".") && candidate.test(file)) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new PlanningException("Cannot list " + root + ": " + e.getMessage());
        }
        files.sort(null);
        List<Found> found = new ArrayList<>(files.size());
        for (Path f : files) {
            found.add(new Found(f, root.relativize(f)));
        }
        return found;
    }
}
