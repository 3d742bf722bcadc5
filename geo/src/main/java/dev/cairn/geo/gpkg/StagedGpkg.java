package dev.cairn.geo.gpkg;

import dev.cairn.geo.format.ChunkSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.sqlite.SQLiteConfig;

import dev.cairn.engine.AssetFailure;

/**
 * The staging GeoPackage that the chunks of one huge input fill, one transaction per chunk, and
 * that becomes the output when the last chunk commits. Several workers (threads or processes)
 * may hold connections at once: each chunk's transaction starts with {@code BEGIN IMMEDIATE}, so
 * SQLite serialises them (a waiter blocks up to {@value #BUSY_TIMEOUT_MS} ms, then fails with
 * SQLITE_BUSY, a transient failure the runner retries).
 *
 * <pre>
 * staging file .NAME.PLANKEY.cairn-stage (beside the output; rollback journal, synchronous=FULL)
 *   auto_vacuum = FULL; the GeoPackage tables as GpkgWriter writes them, except that gpkg_contents,
 *   gpkg_geometry_columns, gpkg_extensions, the R-trees and their triggers are only written by
 *   the finalisation, plus two helper tables:
 *   cairn_chunks       (asset_id TEXT PRIMARY KEY, layer TEXT, fid_from INTEGER, fid_to INTEGER,
 *                       features INTEGER, worker TEXT, attempt INTEGER, committed_at TEXT)
 *                      one marker per committed chunk, in the chunk's own transaction
 *   cairn_rtree_stage  (layer TEXT, key INTEGER, id INTEGER, minx, maxx, miny, maxy REAL)
 *                      the R-tree entries of the committed rows (key: Z-order of the centre)
 *
 * states, told apart inside each transaction:
 *   EMPTY      no table: the first chunk creates the schema in its own transaction
 *   STAGING    cairn_chunks exists: chunks commit; the one whose commit makes the marker count
 *              equal the plan's chunk total also finalises, in the same transaction: builds every
 *              R-tree (sorted by key), writes contents with extents, geometry columns, extension
 *              rows and triggers, and drops both helper tables
 *   FINALISED  gpkg_contents exists without cairn_chunks: complete; only the rename is left
 * </pre>
 *
 * <p><b>Durability.</b> A chunk's rows, R-tree entries and marker commit together or not at all.
 * For {@code kill -9} any journal mode would do (the OS keeps what was written); the checkpoint
 * store marks a chunk done only after this commit, and may make that durable before this file's
 * pages reach the disk on power loss, so the staging file commits with {@code synchronous=FULL}:
 * a returned commit is on disk. That costs two fsyncs per chunk, nothing per feature.
 */
final class StagedGpkg implements AutoCloseable {
    static final int BUSY_TIMEOUT_MS = 600_000;

    enum State { EMPTY, STAGING, FINALISED }

    private static final String CREATE_CHUNKS = """
            CREATE TABLE cairn_chunks (asset_id TEXT PRIMARY KEY, layer TEXT NOT NULL, fid_from INTEGER,
            fid_to INTEGER, features INTEGER NOT NULL, worker TEXT, attempt INTEGER, committed_at TEXT NOT NULL)""";
    private static final String CREATE_STAGE = """
            CREATE TABLE cairn_rtree_stage (layer TEXT NOT NULL, key INTEGER, id INTEGER,
            minx REAL, maxx REAL, miny REAL, maxy REAL)""";
    private static final String INSERT_MARKER = """
            INSERT INTO cairn_chunks VALUES (?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))""";

    private final Connection connection;
    private final GpkgWriter writer;
    private boolean inTransaction;

    private StagedGpkg(Connection connection) {
        this.connection = connection;
        this.writer = new GpkgWriter(connection);
    }

    /** Opens (creating an empty file if there is none) the staging file. */
    static StagedGpkg open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setJournalMode(SQLiteConfig.JournalMode.DELETE);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setCacheSize(-32768);
        config.setGetGeneratedKeys(false);
        Connection c = config.createConnection(Sql.jdbcUrl(file));
        try (Statement s = c.createStatement()) {
            // Dropping the helper tables at finalisation then shrinks the file instead of leaving
            // their pages (a fifth of the file for points) on the free list. Takes effect only on
            // an empty file and only outside a transaction; a no-op on an existing one.
            s.execute("PRAGMA auto_vacuum = FULL");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new StagedGpkg(c);
    }

    GpkgWriter writer() {
        return writer;
    }

    Connection connection() {
        return connection;
    }

    /** Starts the write transaction, waiting for other writers; returns the state found. */
    State begin() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            inTransaction = true;
            boolean contents = false;
            boolean chunks = false;
            try (ResultSet rs = s.executeQuery(
                    "SELECT name FROM sqlite_master WHERE name IN ('gpkg_contents', 'cairn_chunks')")) {
                while (rs.next()) {
                    contents |= rs.getString(1).equals("gpkg_contents");
                    chunks |= rs.getString(1).equals("cairn_chunks");
                }
            }
            return chunks ? State.STAGING : contents ? State.FINALISED : State.EMPTY;
        }
    }

    /** Creates the schema of an EMPTY file: metadata tables, SRS rows, every layer's table, helpers. */
    void createSchema(List<LayerSchema> layers, GpkgConverter.Target target) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA application_id = " + GpkgWriter.APPLICATION_ID);
            s.execute("PRAGMA user_version = " + GpkgWriter.USER_VERSION);
            for (String ddl : GpkgWriter.METADATA_DDL) {
                s.execute(ddl);
            }
            target.addSrsRows(writer);
            for (LayerSchema layer : layers) {
                writer.createTable(layer);
            }
            s.execute(CREATE_CHUNKS);
            s.execute(CREATE_STAGE);
        }
    }

    /** The features recorded by the marker of {@code assetId}, or -1 when it has none. */
    long committedFeatures(String assetId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT features FROM cairn_chunks WHERE asset_id = ?")) {
            ps.setString(1, assetId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** The statement staging one R-tree entry of {@code layer}: key, id, minx, maxx, miny, maxy. */
    PreparedStatement rtreeStage(LayerSchema layer) throws SQLException {
        return connection.prepareStatement("INSERT INTO cairn_rtree_stage VALUES (" + Sql.literal(layer.table())
                + ", ?, ?, ?, ?, ?, ?)");
    }

    void addMarker(String assetId, ChunkSpec chunk, long features, String worker, int attempt) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT_MARKER)) {
            ps.setString(1, assetId);
            ps.setString(2, chunk.layer());
            ps.setObject(3, chunk.fidFrom());
            ps.setObject(4, chunk.fidTo());
            ps.setLong(5, features);
            ps.setString(6, worker);
            ps.setInt(7, attempt);
            ps.executeUpdate();
        }
    }

    long markers() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM cairn_chunks")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Turns a complete STAGING file into a plain GeoPackage (see the class comment), in the open transaction. */
    void finalise(List<LayerSchema> layers, int srsId) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (LayerSchema layer : layers) {
                writer.createRtree(layer);
                String condition = "layer = " + Sql.literal(layer.table());
                String where = " FROM cairn_rtree_stage WHERE " + condition;
                GpkgWriter.packRtree(connection, layer, "cairn_rtree_stage", condition);
                double[] extent = null;
                try (ResultSet rs = s.executeQuery("SELECT min(minx), max(maxx), min(miny), max(maxy)" + where)) {
                    if (rs.next() && rs.getObject(1) != null) {
                        extent = new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)};
                    }
                }
                writer.register(layer, srsId, extent);
            }
            s.execute("DROP TABLE cairn_rtree_stage");
            s.execute("DROP TABLE cairn_chunks");
        }
    }

    /** Copies one chunk's rows into the open transaction; returns how many it wrote. */
    @FunctionalInterface
    interface ChunkCopy {
        long copy() throws AssetFailure, SQLException;
    }

    /**
     * What one chunk's transaction found and did.
     *
     * @param features  rows of the chunk: copied now, or recorded by its marker; -1 when the file
     *                  was finalised before this attempt (the caller counts the range)
     * @param finalised true when the file is complete: publish it
     */
    record ChunkCommit(long features, boolean finalised) {
    }

    /**
     * The exactly-once step of a chunk, in one transaction (see the class comment): waits for
     * the write lock; a FINALISED file needs nothing; an EMPTY one gets {@code layers}' schema;
     * unless the chunk's marker is already there, {@code copy} writes its rows and the marker is
     * added; the chunk whose marker completes the file finalises it; then commits.
     */
    ChunkCommit commitChunk(String assetId, ChunkSpec chunk, List<LayerSchema> layers, GpkgConverter.Target target,
            String worker, int attempt, ChunkCopy copy) throws AssetFailure, SQLException {
        State state = begin();
        if (state == State.FINALISED) {
            commit();
            return new ChunkCommit(-1, true);
        }
        if (state == State.EMPTY) {
            createSchema(layers, target);
        }
        long features = committedFeatures(assetId);
        if (features < 0) {
            features = copy.copy();
            addMarker(assetId, chunk, features, worker, attempt);
        }
        boolean finalised = markers() >= chunk.fileChunks();
        if (finalised) {
            finalise(layers, target.code());
        }
        commit();
        return new ChunkCommit(features, finalised);
    }

    void commit() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("COMMIT");
        }
        inTransaction = false;
    }

    /** Rolls back an open transaction (if any) and closes the connection. */
    @Override
    public void close() throws SQLException {
        try {
            if (inTransaction) {
                try (Statement s = connection.createStatement()) {
                    s.execute("ROLLBACK");
                } catch (SQLException alreadyRolledBack) {
                    // SQLite ends the transaction itself on some errors (I/O, full disk)
                }
            }
        } finally {
            connection.close();
        }
    }
}
