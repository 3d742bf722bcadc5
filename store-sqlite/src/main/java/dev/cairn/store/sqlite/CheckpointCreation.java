package dev.cairn.store.sqlite;

import dev.cairn.engine.StoreException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

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
 * {@code .new-UUID} file is left in {@code .cairn}, never read; killed during 3, the checkpoint is
 * complete. Hence a checkpoint file that exists but holds no table was damaged afterwards, which
 * {@link SqliteSchema} reports instead of silently creating a fresh schema in it.
 *
 * <p>A file system without hard links gets a rename without replacement instead, whose existence
 * check and rename are two steps: two processes creating one checkpoint there at the same instant
 * could each keep their own, and the second would win.
 */
final class CheckpointCreation {

    private CheckpointCreation() {
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
