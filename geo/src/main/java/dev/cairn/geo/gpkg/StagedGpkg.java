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
import dev.cairn.engine.RetrySettings;
import dev.cairn.engine.StagedSqliteOutput;

/**
 * The staging GeoPackage that the chunks of one huge input fill, one transaction per chunk, and
 * that becomes the output when the last chunk commits: GeoPackage's {@link StagedSqliteOutput.Schema}
 * in the engine's exactly-once protocol ({@link StagedSqliteOutput}: states, marker table, crash
 * cases). Several workers (threads or processes) may hold connections at once: each chunk's
 * transaction starts with {@code BEGIN IMMEDIATE}, so SQLite serialises them (a waiter blocks up
 * to {@link RetrySettings#STAGING_BUSY_TIMEOUT}, then fails with SQLITE_BUSY, a transient failure
 * the runner retries).
 *
 * <pre>
 * staging file .NAME.PLANKEY.cairn-stage (beside the output; rollback journal, synchronous=FULL)
 *   auto_vacuum = FULL; the GeoPackage tables as GpkgWriter writes them, except that gpkg_contents,
 *   gpkg_geometry_columns, gpkg_extensions, the R-trees and their triggers are only written by
 *   the finalisation, plus the protocol's marker table (cairn_chunks, see StagedSqliteOutput) and
 *   cairn_rtree_stage  (layer TEXT, key INTEGER, id INTEGER, minx, maxx, miny, maxy REAL)
 *                      the R-tree entries of the committed rows (key: Z-order of the centre)
 *
 * finalisation (in the transaction of the chunk completing the file): builds every R-tree
 * (sorted by key), writes contents with extents, geometry columns, extension rows and triggers
 * (an attribute table: its contents row only), and drops cairn_rtree_stage; the protocol then
 * drops cairn_chunks.
 *
 * without a spatial index (a staging file exported into another format, which indexes in its own
 * way): cairn_rtree_stage stays empty, no R-tree is built, contents have no extent.
 * </pre>
 *
 * <p><b>Durability.</b> A chunk's rows, R-tree entries and marker commit together or not at all.
 * For {@code kill -9} any journal mode would do (the OS keeps what was written); the checkpoint
 * store marks a chunk done only after this commit, and may make that durable before this file's
 * pages reach the disk on power loss, so the staging file commits with {@code synchronous=FULL}:
 * a returned commit is on disk. That costs two fsyncs per chunk, nothing per feature.
 */
final class StagedGpkg implements AutoCloseable {

    private static final String CREATE_STAGE = """
            CREATE TABLE cairn_rtree_stage (layer TEXT NOT NULL, key INTEGER, id INTEGER,
            minx REAL, maxx REAL, miny REAL, maxy REAL)""";

    private final StagedSqliteOutput protocol;
    private final Connection connection;
    private final GpkgWriter writer;
    private final boolean spatialIndex;

    private StagedGpkg(Connection connection, boolean spatialIndex) {
        this.protocol = StagedSqliteOutput.over(connection);
        this.connection = connection;
        this.writer = new GpkgWriter(connection);
        this.spatialIndex = spatialIndex;
    }

    /** Opens (creating an empty file if there is none) the staging file of a GeoPackage output. */
    static StagedGpkg open(Path file) throws SQLException {
        return open(file, true);
    }

    /**
     * Opens (creating an empty file if there is none) a staging file; without {@code spatialIndex}
     * (a file exported into another format when finished) no R-tree entry is staged or built: for
     * 1M polygons that is a million inserts and a sort the export would throw away.
     */
    static StagedGpkg open(Path file, boolean spatialIndex) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setJournalMode(SQLiteConfig.JournalMode.DELETE);
        config.setBusyTimeout((int) RetrySettings.STAGING_BUSY_TIMEOUT.toMillis());
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
        return new StagedGpkg(c, spatialIndex);
    }

    GpkgWriter writer() {
        return writer;
    }

    /**
     * The statement staging one R-tree entry of {@code layer}: key, id, minx, maxx, miny, maxy;
     * null for a staging file without spatial index.
     */
    PreparedStatement rtreeStage(LayerSchema layer) throws SQLException {
        if (!spatialIndex) {
            return null;
        }
        return connection.prepareStatement("INSERT INTO cairn_rtree_stage VALUES (" + Sql.literal(layer.table())
                + ", ?, ?, ?, ?, ?, ?)");
    }

    /** GeoPackage's part of the staging file, for {@code layers} in {@code target}'s CRS. */
    private StagedSqliteOutput.Schema schema(List<LayerSchema> layers, GpkgConverter.Target target) {
        return new StagedSqliteOutput.Schema() {
            /** Metadata tables, SRS rows, every layer's table, the R-tree stage. */
            @Override
            public void create(Connection c) throws SQLException {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA application_id = " + GpkgWriter.APPLICATION_ID);
                    s.execute("PRAGMA user_version = " + GpkgWriter.USER_VERSION);
                    for (String ddl : GpkgWriter.METADATA_DDL) {
                        s.execute(ddl);
                    }
                    target.addSrsRows(writer);
                    for (LayerSchema layer : layers) {
                        writer.createTable(layer);
                    }
                    s.execute(CREATE_STAGE);
                }
            }

            /** R-trees packed from the stage, contents with extents, geometry columns; the stage dropped. */
            @Override
            public void finalise(Connection c) throws SQLException {
                try (Statement s = c.createStatement()) {
                    for (LayerSchema layer : layers) {
                        if (!layer.hasGeometry()) {
                            writer.register(layer, 0, null); // an attribute table: no R-tree, no extent
                            continue;
                        }
                        if (!spatialIndex) {
                            writer.register(layer, target.code(), null); // exported: indexed by its format
                            continue;
                        }
                        writer.createRtree(layer);
                        String condition = "layer = " + Sql.literal(layer.table());
                        GpkgWriter.packRtree(c, layer, "cairn_rtree_stage", condition);
                        double[] extent = null;
                        try (ResultSet rs = s.executeQuery("SELECT min(minx), max(maxx), min(miny), max(maxy)"
                                + " FROM cairn_rtree_stage WHERE " + condition)) {
                            if (rs.next() && rs.getObject(1) != null) {
                                extent = new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)};
                            }
                        }
                        writer.register(layer, target.code(), extent);
                    }
                    s.execute("DROP TABLE cairn_rtree_stage");
                }
            }
        };
    }

    /**
     * The exactly-once step of a chunk ({@link StagedSqliteOutput#commitChunk}): an EMPTY file gets
     * {@code layers}' schema; unless the chunk's marker is there, {@code copy} writes its rows; the
     * chunk completing the file finalises it.
     */
    StagedSqliteOutput.ChunkCommit commitChunk(String assetId, ChunkSpec chunk, List<LayerSchema> layers,
            GpkgConverter.Target target, String worker, int attempt, StagedSqliteOutput.ChunkCopy copy)
            throws AssetFailure, SQLException {
        return protocol.commitChunk(new StagedSqliteOutput.Marker(assetId, chunk.layer(), chunk.fidFrom(), chunk.fidTo()),
                chunk.fileChunks(), worker, attempt, schema(layers, target), copy);
    }

    /** Rolls back an open transaction (if any) and closes the connection. */
    @Override
    public void close() throws SQLException {
        protocol.close();
    }
}
