package dev.cairn.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Publishing a file output so that no reader ever sees it half-written under its final name.
 *
 * <p>Protocol: the output is written to a temp name in the same directory as the final one
 * ({@code .NAME.ATTEMPT.cairn-tmp}, hidden, same filesystem so the rename is atomic), then
 * {@link #commit} fsyncs it, renames it over the final name and fsyncs the directory. The rename
 * is the commit point: a crash before it leaves only a temp file (removed by
 * {@link #removeLeftovers} when the asset is processed again), a crash after it leaves the
 * complete file. Any process may die at any instruction; the final name only ever holds a
 * complete output.
 */
public final class AtomicFiles {
    static final String TEMP_SUFFIX = ".cairn-tmp";
    static final String STAGING_SUFFIX = ".cairn-stage";

    private AtomicFiles() {
    }

    /** The temp path an attempt writes to before {@link #commit}. */
    public static Path tempFor(Path finalPath, int attempt) {
        return finalPath.resolveSibling("." + finalPath.getFileName() + "." + attempt + TEMP_SUFFIX);
    }

    /** {@code .NAME.ATTEMPT.cairn-tmp} and the sidecars a writer adds to it ({@code -journal}, {@code -wal}). */
    private static final java.util.regex.Pattern TEMP_NAME =
            java.util.regex.Pattern.compile("^\\.(.+)\\.(\\d+)\\.cairn-tmp.*$", java.util.regex.Pattern.DOTALL);
    /** {@code .NAME.KEY.cairn-stage} and its SQLite sidecars. */
    private static final java.util.regex.Pattern STAGING_NAME =
            java.util.regex.Pattern.compile("^\\.(.+)\\.[^.]+\\.cairn-stage.*$", java.util.regex.Pattern.DOTALL);

    /**
     * The final output a temp file (or one of its sidecars) of {@link #tempFor} was written for,
     * or empty when {@code file} is not one.
     */
    public static java.util.Optional<Path> outputOfTemp(Path file) {
        java.util.regex.Matcher m = TEMP_NAME.matcher(file.getFileName().toString());
        return m.matches() ? java.util.Optional.of(file.resolveSibling(m.group(1))) : java.util.Optional.empty();
    }

    /**
     * The final output a staging file (or one of its sidecars) of {@link #stagingFor} fills, or
     * empty when {@code file} is not one.
     */
    public static java.util.Optional<Path> outputOfStaging(Path file) {
        java.util.regex.Matcher m = STAGING_NAME.matcher(file.getFileName().toString());
        return m.matches() ? java.util.Optional.of(file.resolveSibling(m.group(1))) : java.util.Optional.empty();
    }

    /** True if {@code file} is a temp file of this protocol (for leftover checks). */
    public static boolean isTemp(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.contains(TEMP_SUFFIX);
    }

    /**
     * The staging file that several assets (the chunks of one huge input) fill one after the
     * other before it is committed under {@code finalPath}: {@code .NAME.KEY.cairn-stage}, hidden,
     * in the same directory. Unlike a temp file it holds committed work of other assets, so
     * {@link #removeLeftovers} and {@link #isTemp} leave it alone; {@code key} names the plan
     * (input fingerprint, options) so a changed input or job never reuses a stale one.
     */
    public static Path stagingFor(Path finalPath, String key) {
        return finalPath.resolveSibling("." + finalPath.getFileName() + "." + key + STAGING_SUFFIX);
    }

    /** True if {@code file} is a staging file of {@link #stagingFor} (or one of its SQLite sidecars). */
    public static boolean isStaging(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.contains(STAGING_SUFFIX);
    }

    /**
     * Deletes the staging files of {@code finalPath} (and their sidecars) whose key is not
     * {@code keepKey}: leftovers of a plan that no longer applies (the input changed). Returns how many.
     */
    public static int removeStaleStaging(Path finalPath, String keepKey) throws IOException {
        Path dir = finalPath.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        String prefix = "." + finalPath.getFileName() + ".";
        String keep = prefix + keepKey + STAGING_SUFFIX;
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, e -> {
            String n = e.getFileName().toString();
            return n.startsWith(prefix) && n.contains(STAGING_SUFFIX) && !n.startsWith(keep);
        })) {
            for (Path stale : entries) {
                if (Files.deleteIfExists(stale)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * Deletes temp files that earlier attempts on {@code finalPath} left behind (including
     * sidecars such as {@code -journal} that start with the temp name).
     */
    public static int removeLeftovers(Path finalPath) throws IOException {
        Path dir = finalPath.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        String prefix = "." + finalPath.getFileName() + ".";
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, e -> {
            String n = e.getFileName().toString();
            return n.startsWith(prefix) && n.contains(TEMP_SUFFIX);
        })) {
            for (Path leftover : entries) {
                if (Files.deleteIfExists(leftover)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * Makes {@code temp} durable and atomically renames it to {@code finalPath}, replacing any
     * older output, then makes the rename durable. Returns the CRC-32C of the committed bytes as
     * {@code crc32c:xxxxxxxx}.
     */
    public static String commit(Path temp, Path finalPath) throws IOException {
        String checksum;
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            checksum = crc32c(ch);
            ch.force(true);
        }
        Files.move(temp, finalPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(finalPath.toAbsolutePath().getParent());
        return checksum;
    }

    /** CRC-32C of a whole file, as {@code crc32c:xxxxxxxx}. */
    public static String checksum(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return crc32c(ch);
        }
    }

    private static String crc32c(FileChannel ch) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        ch.position(0);
        while (ch.read(buf) >= 0) {
            buf.flip();
            crc.update(buf);
            buf.clear();
        }
        return String.format("crc32c:%08x", crc.getValue());
    }

    /** Forces a directory entry change (create, rename) to disk. Best effort where unsupported. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms (Windows) cannot open a directory for fsync; the rename is still atomic.
            if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
                return;
            }
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }
}
