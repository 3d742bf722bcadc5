package dev.cairn.store.sqlite;

import dev.cairn.engine.StoreException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Creates a new checkpoint so that its final name never holds a half-made one: the schema is
 * written into a temporary file next to it, which is then hard-linked under the final name (a
 * link, unlike a rename, fails when the name exists, so a second process creating the same
 * checkpoint at the same instant uses the first one's file and never replaces it).
 *
 * <pre>
 *   OUTDIR/.cairn/checkpoint.db.new-UUID     1. created, schema committed, closed (WAL folded in)
 *   OUTDIR/.cairn/checkpoint.db              2. link to it; exists already: another process won
 *   OUTDIR/.cairn/checkpoint.db.new-UUID     3. removed
 * </pre>
 *
 * Crash cases: killed during 1 or 2, the final name does not exist (the next run creates it) and a
 * {@code .new-UUID} file (with its {@code -journal}, {@code -wal} or {@code -shm}) is left in
 * {@code .cairn}, never read; killed during 3, the checkpoint is complete. Hence a checkpoint file
 * that exists but holds no table was damaged afterwards, which {@link SqliteSchema} reports
 * instead of silently creating a fresh schema in it.
 *
 * <p>Leftovers are removed by the next open for writing ({@link #createIfMissing}): a
 * {@code .new-} file last modified more than {@link #STALE_AFTER} ago on which no process holds a
 * lock. Making one takes milliseconds, so an older one belongs to a process that died making it;
 * the lock check (SQLite locks the file while it writes the schema) spares one whose maker is
 * alive but stalled mid-transaction on a slow disk.
 *
 * <p>A file system without hard links gets a rename without replacement instead, whose existence
 * check and rename are two steps: two processes creating one checkpoint there at the same instant
 * could each keep their own, and the second would win.
 */
final class CheckpointCreation {

    /** A {@code .new-} file untouched for this long is a leftover of a process that died creating the checkpoint. */
    static final Duration STALE_AFTER = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(CheckpointCreation.class);

    private CheckpointCreation() {
    }

    /** Creates {@code file} (see the class comment) unless it exists, and removes stale leftovers of earlier creations. */
    static void createIfMissing(Path file) throws SQLException {
        removeStale(file, Instant.now());
        if (!Files.exists(file)) {
            create(file);
        }
    }

    /**
     * Removes the {@code .new-} files next to {@code file} (and their journals) last modified
     * before {@code now - STALE_AFTER} that no process holds a lock on; returns how many. Best
     * effort: a file that cannot be examined or removed is left for the next open.
     */
    static int removeStale(Path file, Instant now) {
        Path dir = file.toAbsolutePath().getParent();
        String prefix = file.getFileName() + ".new-";
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path leftover : leftovers) {
                if (isStale(leftover, now) && deleteUnlocked(leftover)) {
                    removed++;
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            log.debug("Cannot look for leftovers of checkpoint creation next to {}: {}", file, e.toString());
        }
        if (removed > 0) {
            log.info("Removed {} leftover file(s) of an interrupted checkpoint creation next to {}", removed, file);
        }
        return removed;
    }

    private static boolean isStale(Path leftover, Instant now) throws IOException {
        return Files.getLastModifiedTime(leftover).toInstant().isBefore(now.minus(STALE_AFTER));
    }

    /** Deletes {@code leftover} while holding a lock on all of it; false when another process holds one. */
    private static boolean deleteUnlocked(Path leftover) {
        try (FileChannel ch = FileChannel.open(leftover, StandardOpenOption.WRITE);
             FileLock lock = ch.tryLock()) {
            if (lock == null) {
                return false; // its maker is still writing it
            }
            Files.delete(leftover);
            return true;
        } catch (OverlappingFileLockException thisProcess) {
            return false;
        } catch (IOException e) {
            log.debug("Cannot remove leftover {}: {}", leftover, e.toString());
            return false;
        }
    }

    static void create(Path file) throws SQLException {
        Path tmp = file.resolveSibling(file.getFileName() + ".new-" + UUID.randomUUID());
        try {
            try (Connection conn = new SQLiteConfig().createConnection(SqliteSchema.jdbcUrl(tmp))) {
                SqliteSchema.createSchema(conn);
            }
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                // another process created it first: its checkpoint is the one
            } catch (UnsupportedOperationException | IOException e) {
                try {
                    Files.move(tmp, file);
                } catch (FileAlreadyExistsException alreadyThere) {
                    // another process created it first
                }
            }
        } catch (IOException e) {
            throw new StoreException("Cannot create checkpoint " + file + ": " + e
                    + ". Check the path and its permissions.", e, false);
        } finally {
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                try {
                    Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + suffix));
                } catch (IOException ignored) {
                    // a leftover .new- file is never read
                }
            }
        }
    }
}
