package dev.cairn.store.sqlite;

import dev.cairn.engine.NoSuchCheckpointException;
import dev.cairn.engine.StoreException;
import dev.cairn.engine.UnusableCheckpointException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.sqlite.SQLiteConfig;

/**
 * Opens the connection of a {@link SqliteStore}: sets the PRAGMAs, creates the schema of a new
 * checkpoint, migrates an older one in place and refuses one written by a newer cairn. The SQL
 * lives in resources next to this class, one file per purpose, as Spring Batch keeps its schema
 * files: {@code schema-v4.sql} creates the current schema (drawn in the Javadoc of
 * {@link SqliteStore}); {@code migrate-v1-to-v2.sql}, {@code migrate-v2-to-v3.sql} and
 * {@code migrate-v3-to-v4.sql} bring an older checkpoint up, one version at a time;
 * {@code read-v1-as-v2.sql} shows a version 1 checkpoint opened read-only as version 2 (version 3
 * only adds {@code worker_lease}, which {@link WorkerRows} does without), and
 * {@code read-before-v4.sql} gives a checkpoint older than version 4 an empty {@code plan_block}.
 *
 * <p><b>Migration.</b> Opening for writing a checkpoint of an older version runs each migration
 * from its version up to {@link #VERSION} in the same {@code BEGIN IMMEDIATE} transaction that
 * checks the version, with foreign keys off (tables are rebuilt: SQLite cannot change a primary
 * key in place) and a {@code PRAGMA foreign_key_check} before the commit. Either the checkpoint is
 * at the new version with every row carried over, or, on any failure, it is untouched. A process
 * of an older cairn still writing the file holds the write lock meanwhile, and the migration
 * waits for it like any writer.
 */
final class SqliteSchema {

    /** The schema version this code writes and understands. */
    static final int VERSION = 4;

    static final long BUSY_TIMEOUT_MILLIS = dev.cairn.engine.RetrySettings.STORE_BUSY_TIMEOUT.toMillis();

    private static final String SCHEMA = "schema-v" + VERSION + ".sql";

    private SqliteSchema() {
    }

    /**
     * A read-write connection; creates the file (complete, see {@link CheckpointCreation}; stale
     * leftovers of an interrupted creation are removed), its parent directories and the schema if
     * missing, and migrates an older schema. An existing file
     * must pass {@link CheckpointIntegrity} first: a damaged one or one of a newer cairn is refused
     * ({@link UnusableCheckpointException}) before any write, never recreated.
     */
    static Connection openReadWrite(Path file) throws SQLException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException("Cannot create the directory of checkpoint " + file + ": " + e
                    + ". Check the path and its permissions.", e, false);
        }
        CheckpointCreation.createIfMissing(file);
        CheckpointIntegrity.checkFiles(file);
        Connection conn = new SQLiteConfig().createConnection(jdbcUrl(file));
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            // Checked before the first PRAGMA that may write (journal_mode): a refused file stays as it was.
            CheckpointIntegrity.quickCheck(conn, file);
            checkVersion(file, existingVersion(conn, file));
            st.execute("PRAGMA journal_mode = WAL");
            st.execute("PRAGMA synchronous = NORMAL");
            // Off while a migration rebuilds tables (the pragma is ignored inside a transaction).
            st.execute("PRAGMA foreign_keys = OFF");
            st.execute("BEGIN IMMEDIATE");
            try {
                int version = existingVersion(conn, file);
                checkVersion(file, version);
                migrate(conn, file, version);
                st.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                st.execute("ROLLBACK");
                throw e;
            }
            st.execute("PRAGMA foreign_keys = ON");
        } catch (SQLException e) {
            closeQuietly(conn);
            throw CheckpointIntegrity.translateOpen(file, e);
        } catch (RuntimeException e) {
            closeQuietly(conn);
            throw e;
        }
        return conn;
    }

    /** Creates the schema of a new checkpoint on {@code conn} (a file being built by {@link CheckpointCreation}). */
    static void createSchema(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA journal_mode = WAL");
            st.execute("BEGIN IMMEDIATE");
            run(st, SCHEMA);
            st.execute("INSERT INTO schema_version (version) VALUES (" + VERSION + ")");
            st.execute("COMMIT");
        }
    }

    /**
     * A read-only connection to an existing checkpoint; WAL lets it read while a run writes. A
     * checkpoint of an older version is read through temporary views, since it cannot be migrated.
     *
     * @throws NoSuchCheckpointException if the file does not exist
     */
    static Connection openReadOnly(Path file) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchCheckpointException("No checkpoint at " + file
                    + ": the file does not exist. Check the path, or run the job first.");
        }
        CheckpointIntegrity.checkFiles(file);
        List<Path> before = CheckpointIntegrity.files(file);
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        Connection conn = config.createConnection(jdbcUrl(file));
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            st.execute("PRAGMA foreign_keys = ON");
            CheckpointIntegrity.quickCheck(conn, file);
            int version = existingVersion(conn, file);
            checkVersion(file, version);
            if (version == 1) {
                run(st, "read-v1-as-v2.sql");
            }
            if (version < 4) {
                run(st, "read-before-v4.sql");
            }
        } catch (SQLException e) {
            closeQuietly(conn);
            CheckpointIntegrity.removeEmptySidecars(file, before);
            throw CheckpointIntegrity.translateOpen(file, e);
        } catch (RuntimeException e) {
            closeQuietly(conn);
            CheckpointIntegrity.removeEmptySidecars(file, before);
            throw e;
        }
        return conn;
    }

    /**
     * The stored schema version of an existing checkpoint. Created complete by
     * {@link CheckpointCreation}, a checkpoint without any table lost them.
     */
    private static int existingVersion(Connection conn, Path file) throws SQLException {
        Integer version = storedVersion(conn, file);
        if (version == null) {
            throw CheckpointIntegrity.damaged(file, "it is an SQLite database without any table"
                    + " (a truncated file, or one emptied by another program)", null);
        }
        return version;
    }

    /**
     * The stored schema version, or null for an empty database.
     *
     * @throws StoreException if the database holds tables but is not a cairn checkpoint
     */
    private static Integer storedVersion(Connection conn, Path file) throws SQLException {
        try (Statement st = conn.createStatement()) {
            boolean hasVersion;
            int tables;
            try (ResultSet rs = st.executeQuery("""
                    SELECT count(*), coalesce(sum(name = 'schema_version'), 0)
                    FROM main.sqlite_master WHERE type = 'table'""")) {
                rs.next();
                tables = rs.getInt(1);
                hasVersion = rs.getInt(2) > 0;
            }
            if (!hasVersion) {
                if (tables > 0) {
                    throw new UnusableCheckpointException("Checkpoint " + file + " is an SQLite database but not a"
                            + " cairn checkpoint (it has no schema_version table); cairn left it unchanged.",
                            CheckpointIntegrity.files(file), null);
                }
                return null;
            }
            try (ResultSet rs = st.executeQuery("SELECT max(version) FROM schema_version")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void checkVersion(Path file, int version) {
        if (version > VERSION) {
            throw new UnusableCheckpointException("Checkpoint " + file + " has schema version " + version
                    + ", but this cairn knows schema versions up to " + VERSION
                    + "; cairn left it unchanged. Use the newer cairn that wrote it to resume it.",
                    CheckpointIntegrity.files(file), null);
        }
    }

    /** Runs the migrations from {@code version} to {@link #VERSION}, inside the caller's transaction. */
    private static void migrate(Connection conn, Path file, int version) throws SQLException {
        if (version == VERSION) {
            return;
        }
        try (Statement st = conn.createStatement()) {
            for (int from = version; from < VERSION; from++) {
                run(st, "migrate-v" + from + "-to-v" + (from + 1) + ".sql");
            }
            try (ResultSet rs = st.executeQuery("PRAGMA foreign_key_check")) {
                if (rs.next()) {
                    throw new StoreException("Cannot migrate checkpoint " + file + " from schema version " + version
                            + " to " + VERSION + ": table " + rs.getString(1) + " has a row whose "
                            + rs.getString(3) + " is missing. The checkpoint was left unchanged.", null, false);
                }
            }
        }
    }

    private static void run(Statement st, String resource) throws SQLException {
        for (String sql : statements(resource)) {
            st.execute(sql);
        }
    }

    /** The statements of the current schema, {@code schema-v4.sql}. */
    static List<String> statements() {
        return statements(SCHEMA);
    }

    /** The statements of a SQL resource next to this class, split at semicolons that end a line. */
    static List<String> statements(String resource) {
        String text;
        try (InputStream in = SqliteSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the cairn-store-sqlite jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                statements.add(current.toString().strip());
                current.setLength(0);
            }
        }
        return statements;
    }

    private static void closeQuietly(Connection conn) {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // already failing with a better exception
        }
    }

    /**
     * The JDBC URL of the checkpoint as a {@code file:} URI with the path percent-encoded: a plain
     * {@code jdbc:sqlite:PATH} breaks on paths containing {@code ?} or {@code #}.
     */
    static String jdbcUrl(Path file) {
        return "jdbc:sqlite:file:" + file.toAbsolutePath().toUri().getRawPath();
    }
}
