package dev.cairn.store.sqlite;

import dev.cairn.engine.StoreException;

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
 * checkpoint and refuses one written by a newer cairn. The schema itself is the resource
 * {@code schema-v1.sql} next to this class; it is drawn in the Javadoc of {@link SqliteStore}.
 */
final class SqliteSchema {

    /** The schema version this code writes and understands. */
    static final int VERSION = 1;

    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private SqliteSchema() {
    }

    /** A read-write connection; creates the file, its parent directories and the schema if missing. */
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
        Connection conn = new SQLiteConfig().createConnection(jdbcUrl(file));
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            st.execute("PRAGMA foreign_keys = ON");
            st.execute("PRAGMA journal_mode = WAL");
            st.execute("PRAGMA synchronous = NORMAL");
            st.execute("BEGIN IMMEDIATE");
            try {
                Integer version = storedVersion(conn, file);
                if (version == null) {
                    for (String sql : statements()) {
                        st.execute(sql);
                    }
                    st.execute("INSERT INTO schema_version (version) VALUES (" + VERSION + ")");
                } else {
                    checkVersion(file, version);
                }
                st.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                st.execute("ROLLBACK");
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(conn);
            throw e;
        }
        return conn;
    }

    /** A read-only connection to an existing checkpoint; WAL lets it read while a run writes. */
    static Connection openReadOnly(Path file) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new StoreException("No checkpoint at " + file
                    + ": the file does not exist. Check the path, or run the job first.", null, false);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        Connection conn = config.createConnection(jdbcUrl(file));
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            st.execute("PRAGMA foreign_keys = ON");
            Integer version = storedVersion(conn, file);
            if (version == null) {
                throw new StoreException("Checkpoint " + file
                        + " is not a cairn checkpoint (it has no schema_version table).", null, false);
            }
            checkVersion(file, version);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(conn);
            throw e;
        }
        return conn;
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
                    FROM sqlite_master WHERE type = 'table'""")) {
                rs.next();
                tables = rs.getInt(1);
                hasVersion = rs.getInt(2) > 0;
            }
            if (!hasVersion) {
                if (tables > 0) {
                    throw new StoreException("Checkpoint " + file + " is an SQLite database but not a cairn"
                            + " checkpoint (it has no schema_version table). Choose another checkpoint path.",
                            null, false);
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
            throw new StoreException("Checkpoint " + file + " has schema version " + version
                    + ", but this cairn knows schema versions up to " + VERSION
                    + ". Use the newer cairn that wrote it, or start over with another checkpoint.", null, false);
        }
    }

    /** The statements of {@code schema-v1.sql}, split at semicolons that end a line. */
    static List<String> statements() {
        String text;
        try (InputStream in = SqliteSchema.class.getResourceAsStream("schema-v1.sql")) {
            if (in == null) {
                throw new IllegalStateException("schema-v1.sql is missing from the cairn-store-sqlite jar");
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
