package dev.cairn.raster.job;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.RetrySettings;
import dev.cairn.engine.StagedSqliteOutput;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * The staging file of one COG output: the windows of the output fill it with their compressed
 * full-resolution tiles, one transaction per window together with the window's marker (the
 * engine's exactly-once protocol, {@link StagedSqliteOutput}: states, marker table, crash cases),
 * and the window whose marker completes the plan finalises it. Publishing (after that commit, see
 * {@link CogPublisher}) adds the overview tiles and writes the COG from here.
 *
 * <pre>
 * staging file .NAME.PLANKEY.cairn-stage (beside the output; rollback journal, synchronous=FULL)
 *   cairn_cog_tiles (level INTEGER, tx INTEGER, ty INTEGER, data BLOB, PRIMARY KEY (level, tx, ty))
 *                   level 0: full resolution, written by the windows (a window's tiles and its
 *                   marker in one transaction); levels 1..n: overviews, written by the publisher
 *                   (INSERT OR REPLACE: rebuilding them after a crash rewrites the same bytes)
 *   plus the protocol's marker table cairn_chunks while windows are outstanding
 * </pre>
 *
 * <p><b>Concurrency.</b> A window warps and compresses its tiles <i>before</i> it takes the
 * staging file's write lock ({@code BEGIN IMMEDIATE}), so windows of one output warp in parallel
 * and hold the lock only to insert bytes. <b>Durability</b>: as {@link StagedSqliteOutput} says, a
 * returned commit is on disk before the checkpoint store records the window done.
 *
 * <p>One instance per connection, used by one thread.
 */
final class StagedCog implements AutoCloseable {

    /** One compressed tile of a window, ready to insert. */
    record Tile(int tx, int ty, byte[] data) {
    }

    static final String CREATE = """
            CREATE TABLE cairn_cog_tiles (level INTEGER NOT NULL, tx INTEGER NOT NULL, ty INTEGER NOT NULL,
            data BLOB NOT NULL, PRIMARY KEY (level, tx, ty))""";

    private static final StagedSqliteOutput.Schema SCHEMA = new StagedSqliteOutput.Schema() {
        @Override
        public void create(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute(CREATE);
            }
        }

        /** Nothing to build: the full-resolution tiles are complete; overviews come with publishing. */
        @Override
        public void finalise(Connection c) {
        }
    };

    private static final String SELECT_TILE = "SELECT data FROM cairn_cog_tiles WHERE level = ? AND tx = ? AND ty = ?";

    /**
     * The COG writer's sizes pass: {@code length(data)} of a BLOB column is answered from the
     * record header (SQLite marks the column read OPFLAG_LENGTHARG), so the tile's bytes and their
     * overflow pages are not read.
     */
    static final String SELECT_SIZE = "SELECT length(data) FROM cairn_cog_tiles WHERE level = ? AND tx = ? AND ty = ?";

    private final StagedSqliteOutput protocol;
    private final Connection connection;

    private StagedCog(Connection connection) {
        this.connection = connection;
        this.protocol = StagedSqliteOutput.over(connection);
    }

    /** Opens (creating an empty file if there is none) the staging file of a COG output. */
    static StagedCog open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setJournalMode(SQLiteConfig.JournalMode.DELETE);
        config.setBusyTimeout((int) RetrySettings.STAGING_BUSY_TIMEOUT.toMillis());
        config.setCacheSize(-16384);
        return new StagedCog(config.createConnection("jdbc:sqlite:file:" + file.toAbsolutePath().toUri().getRawPath()));
    }

    /**
     * The exactly-once step of a window: unless its marker is there, its tiles and the marker go
     * in; the window completing the plan finalises the file. Returns the protocol's answer
     * (items: the window's tiles; -1 when the file was finalised before this attempt).
     */
    StagedSqliteOutput.ChunkCommit commitWindow(String assetId, WindowSpec window, List<Tile> tiles, String worker,
            int attempt) throws AssetFailure, SQLException {
        return protocol.commitChunk(new StagedSqliteOutput.Marker(assetId, "window", (long) window.index(),
                (long) window.index() + 1), window.windows(), worker, attempt, SCHEMA, () -> {
                    put(0, tiles);
                    return tiles.size();
                });
    }

    /** Inserts (or replaces) tiles of {@code level} in the open transaction, or in one of their own. */
    void put(int level, List<Tile> tiles) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT OR REPLACE INTO cairn_cog_tiles (level, tx, ty, data) VALUES (?, ?, ?, ?)")) {
            for (Tile t : tiles) {
                ps.setInt(1, level);
                ps.setInt(2, t.tx());
                ps.setInt(3, t.ty());
                ps.setBytes(4, t.data());
                ps.executeUpdate();
            }
        }
    }

    /** Runs {@code work} in one write transaction of its own (see {@link StagedSqliteOutput#inTransaction}). */
    void inTransaction(StagedSqliteOutput.Work work) throws SQLException, java.io.IOException {
        protocol.inTransaction(work);
    }

    /** The compressed tile, or null when there is none. */
    byte[] tile(int level, int tx, int ty) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_TILE)) {
            ps.setInt(1, level);
            ps.setInt(2, tx);
            ps.setInt(3, ty);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    /** The length of a tile's bytes, or -1 when there is none. */
    int size(int level, int tx, int ty) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_SIZE)) {
            ps.setInt(1, level);
            ps.setInt(2, tx);
            ps.setInt(3, ty);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        }
    }

    /** The staging file as the COG writer's and the overview builder's tile store. */
    dev.cairn.raster.cog.TileStore tiles() {
        return new dev.cairn.raster.cog.TileStore() {
            @Override
            public byte[] get(int level, int tx, int ty) throws java.io.IOException {
                return io("read", level, tx, ty, () -> tile(level, tx, ty));
            }

            @Override
            public void put(int level, int tx, int ty, byte[] compressed) throws java.io.IOException {
                io("write", level, tx, ty, () -> {
                    StagedCog.this.put(level, List.of(new Tile(tx, ty, compressed)));
                    return null;
                });
            }

            @Override
            public int size(int level, int tx, int ty) throws java.io.IOException {
                return io("read", level, tx, ty, () -> StagedCog.this.size(level, tx, ty));
            }
        };
    }

    @FunctionalInterface
    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    /** Runs one tile access; an SQLException becomes the IOException the tile store speaks. */
    private static <T> T io(String what, int level, int tx, int ty, SqlCall<T> call) throws java.io.IOException {
        try {
            return call.call();
        } catch (SQLException e) {
            throw new java.io.IOException("cannot " + what + " tile " + level + "/" + tx + "/" + ty
                    + " of the staging file (" + e.getMessage() + ")", e);
        }
    }

    /** Tiles stored for {@code level}. */
    long count(int level) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM cairn_cog_tiles WHERE level = ?")) {
            ps.setInt(1, level);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    Connection connection() {
        return connection;
    }

    /** Rolls back an open transaction (if any) and closes the connection. */
    @Override
    public void close() throws SQLException {
        protocol.close();
    }
}
