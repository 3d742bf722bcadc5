package dev.cairn.store.postgresql;

import dev.cairn.engine.NoSuchCheckpointException;
import dev.cairn.engine.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates, migrates and checks the schema {@code cairn} of a {@link PostgresStore}. The SQL lives
 * in resources next to this class, one file per purpose: {@code schema-v3.sql} creates the
 * current schema (drawn in the Javadoc of {@link PostgresStore}); {@code migrate-v1-to-v2.sql}
 * brings a version 1 store up (it adds {@code worker_lease}, which {@link WorkerRows} does
 * without on a store opened read-only before it was migrated), {@code migrate-v2-to-v3.sql} a
 * version 2 one (it adds {@code plan_block}, which {@link PgPlanBlocks} reads as empty on a store
 * opened read-only before it was migrated); a later version adds its
 * {@code migrate-vN-to-vN+1.sql} and raises {@link #VERSION}.
 *
 * <p><b>Creation and migration</b> run in one transaction that first takes a transaction-level
 * advisory lock ({@link #LOCK_KEY}), so that many workers starting at once against a new database
 * create the schema once and the others wait, then find it. Either the schema ends at
 * {@link #VERSION} with every row carried over, or (on any failure) nothing changed: PostgreSQL's
 * DDL is transactional. A version newer than {@link #VERSION} is refused before anything is
 * written.
 */
final class PostgresSchema {

    /** The schema version this code writes and understands. */
    static final int VERSION = 3;

    /** The advisory lock key taken while creating or migrating (an arbitrary constant: "cairn" in ASCII). */
    static final long LOCK_KEY = 0x636169726eL;

    private PostgresSchema() {
    }

    /**
     * Creates the schema when missing and migrates an older one, in one transaction; leaves the
     * connection in auto-commit.
     *
     * @throws StoreException if the schema is newer than this code, or {@code cairn} exists but
     *                        holds no cairn store
     */
    static void createOrMigrate(Connection conn, PostgresLocation where) throws SQLException {
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            Integer version = storedVersion(conn, where);
            if (version == null) {
                st.execute("CREATE SCHEMA IF NOT EXISTS cairn");
                run(st, "schema-v" + VERSION + ".sql");
                st.execute("INSERT INTO cairn.schema_version (version) VALUES (" + VERSION + ")");
            } else {
                checkVersion(where, version);
                for (int from = version; from < VERSION; from++) {
                    run(st, "migrate-v" + from + "-to-v" + (from + 1) + ".sql");
                }
                if (version < VERSION) {
                    st.execute("UPDATE cairn.schema_version SET version = " + VERSION);
                }
            }
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                conn.rollback();
            } catch (SQLException ignored) {
                // the connection is gone; the server rolled back
            }
            throw e;
        } finally {
            try {
                conn.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is gone; it will be reopened
            }
        }
    }

    /**
     * Checks the schema of a store opened for reading only, writing nothing.
     *
     * @throws NoSuchCheckpointException if there is no cairn store in the database
     * @throws StoreException            if its version is newer than this code
     */
    static void checkReadable(Connection conn, PostgresLocation where) throws SQLException {
        Integer version = storedVersion(conn, where);
        if (version == null) {
            throw new NoSuchCheckpointException("No cairn store in database " + where
                    + ": it has no schema cairn. Check the URL, or run a job against it first.");
        }
        checkVersion(where, version);
    }

    /**
     * The stored version, or null when the database has no schema {@code cairn} (or an empty one).
     *
     * @throws StoreException if {@code cairn} holds tables but no version table
     */
    private static Integer storedVersion(Connection conn, PostgresLocation where) throws SQLException {
        int tables;
        boolean hasVersion;
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT count(*), count(*) FILTER (WHERE table_name = 'schema_version')
                     FROM information_schema.tables WHERE table_schema = 'cairn'""")) {
            rs.next();
            tables = rs.getInt(1);
            hasVersion = rs.getInt(2) > 0;
        }
        if (!hasVersion) {
            if (tables > 0) {
                throw new StoreException("Database " + where + " has a schema cairn that is not a cairn store"
                        + " (it has no table cairn.schema_version). Use another database.", null, false);
            }
            return null;
        }
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT max(version) FROM cairn.schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void checkVersion(PostgresLocation where, int version) {
        if (version > VERSION) {
            throw new StoreException("The cairn store in database " + where + " has schema version " + version
                    + ", but this cairn knows schema versions up to " + VERSION
                    + ". Use the newer cairn that wrote it, or another database.", null, false);
        }
    }

    private static void run(Statement st, String resource) throws SQLException {
        for (String sql : statements(resource)) {
            st.execute(sql);
        }
    }

    /** The statements of a SQL resource next to this class, split at semicolons that end a line. */
    static List<String> statements(String resource) {
        String text;
        try (InputStream in = PostgresSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the cairn-store-postgresql jar");
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
}
