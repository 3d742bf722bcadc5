package dev.cairn.raster.tiles;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.RetrySettings;
import dev.cairn.engine.StagedSqliteOutput;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.sqlite.SQLiteConfig;

/**
 * The staging file of one tile set: an MBTiles database in the making. Every metatile commits its
 * tiles (MBTiles and PMTiles outputs; an XYZ folder gets its tiles as files before this commit)
 * and its apex pixels together with its marker, in one transaction (the engine's exactly-once
 * protocol, {@link StagedSqliteOutput}: states, marker table, crash cases). The metatile whose
 * marker completes the plan finalises it; publishing ({@link TilesPublisher}) then builds the
 * zooms below the metatiles from the apexes and turns the file into the output.
 *
 * <pre>
 * staging file .NAME.PLANKEY.cairn-stage (beside the output; rollback journal, synchronous=FULL)
 *   metadata (name TEXT, value TEXT)                       MBTiles 1.3, written when publishing
 *   images   (tile_id TEXT PRIMARY KEY, tile_data BLOB)    a PNG once per distinct content
 *   map      (zoom_level, tile_column, tile_row, tile_id)  one row per tile, TMS rows;
 *            UNIQUE INDEX map_index (zoom_level, tile_column, tile_row)
 *   tiles    VIEW over map JOIN images: what MBTiles readers (GDAL, servers) read
 *   cairn_apex (x INTEGER, y INTEGER, rgba BLOB, PRIMARY KEY (x, y))
 *            each metatile's apex tile (zoom TilesPlan.apexZoom), raw RGBA deflated; an empty
 *            apex has a NULL blob; dropped by the publisher in the transaction that builds the
 *            lower zooms from it (its absence says they are built)
 *   plus the protocol's marker table cairn_chunks while metatiles are outstanding
 * </pre>
 *
 * <p>Identical tiles (open sea, nodata borders) are stored once: the tile id is a hash of the
 * PNG's bytes, {@code INSERT OR IGNORE} into {@code images}.
 *
 * <p><b>Concurrency.</b> A metatile renders and encodes <i>before</i> it takes the write lock
 * ({@code BEGIN IMMEDIATE}), so metatiles render in parallel and hold the lock only to insert
 * bytes. <b>Durability</b>: a returned commit is on disk before the checkpoint store records the
 * metatile done. One instance per connection, used by one thread.
 */
final class StagedTiles implements AutoCloseable {

    /** One encoded tile, XYZ numbering. */
    record Tile(int z, long x, long y, byte[] png) {
    }

    /**
     * Fills a new staging file, in the transaction that creates it, with the tiles of the output
     * an earlier job made (a job that widens another's zooms keeps them), or does nothing.
     */
    @FunctionalInterface
    interface Seed {
        Seed NONE = stage -> { };

        void fill(StagedTiles stage) throws SQLException;
    }

    private StagedSqliteOutput.Schema schema(Seed seed) {
        return new StagedSqliteOutput.Schema() {
            @Override
            public void create(Connection c) throws SQLException {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE metadata (name TEXT, value TEXT)");
                    s.execute("CREATE TABLE images (tile_id TEXT PRIMARY KEY, tile_data BLOB)");
                    s.execute("CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id TEXT)");
                    s.execute("CREATE UNIQUE INDEX map_index ON map (zoom_level, tile_column, tile_row)");
                    s.execute("""
                            CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column,
                            map.tile_row AS tile_row, images.tile_data AS tile_data FROM map JOIN images
                            ON images.tile_id = map.tile_id""");
                    s.execute("CREATE TABLE cairn_apex (x INTEGER, y INTEGER, rgba BLOB, PRIMARY KEY (x, y))");
                }
                seed.fill(StagedTiles.this);
            }

            /** Nothing here: the lower zooms and the metadata come with publishing, in their own transaction. */
            @Override
            public void finalise(Connection c) {
            }
        };
    }

    private final StagedSqliteOutput protocol;
    private final Connection connection;

    private StagedTiles(Connection connection) {
        this.connection = connection;
        this.protocol = StagedSqliteOutput.over(connection);
    }

    /** Opens (creating an empty file if there is none) the staging file of a tile set. */
    static StagedTiles open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setJournalMode(SQLiteConfig.JournalMode.DELETE);
        config.setBusyTimeout((int) RetrySettings.STAGING_BUSY_TIMEOUT.toMillis());
        config.setCacheSize(-16384);
        return new StagedTiles(config.createConnection("jdbc:sqlite:file:" + file.toAbsolutePath().toUri().getRawPath()));
    }

    /**
     * The exactly-once step of a metatile (index {@code index} of {@code total}): unless its
     * marker is there, its tiles, its apex (when not null) and the marker go in; a new staging file
     * is first filled by {@code seed}. Returns the protocol's answer (items: the tiles; -1 when the
     * file was finalised before this attempt).
     */
    StagedSqliteOutput.ChunkCommit commit(String assetId, int index, int total, List<Tile> tiles, long apexX, long apexY,
            RgbaImage apex, Seed seed, String worker, int attempt) throws AssetFailure, SQLException {
        byte[] apexBytes = apex == null || apex.isEmpty() ? null : deflate(apex.px);
        return protocol.commitChunk(new StagedSqliteOutput.Marker(assetId, "metatile", (long) index, (long) index + 1),
                total, worker, attempt, schema(seed), () -> {
                    put(tiles);
                    try (PreparedStatement ps = connection.prepareStatement(
                            "INSERT OR REPLACE INTO cairn_apex (x, y, rgba) VALUES (?, ?, ?)")) {
                        ps.setLong(1, apexX);
                        ps.setLong(2, apexY);
                        ps.setBytes(3, apexBytes);
                        ps.executeUpdate();
                    }
                    return tiles.size();
                });
    }

    /** The PNG of tile (z, x, y), XYZ numbering, or null when there is none. */
    byte[] tile(int z, long x, long y) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?")) {
            ps.setInt(1, z);
            ps.setLong(2, x);
            ps.setLong(3, WebMercatorTiles.flipY(z, y));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    /** Inserts (or replaces) tiles in the open transaction; identical contents are stored once. */
    void put(List<Tile> tiles) throws SQLException {
        if (tiles.isEmpty()) {
            return;
        }
        try (PreparedStatement image = connection.prepareStatement(
                "INSERT OR IGNORE INTO images (tile_id, tile_data) VALUES (?, ?)");
                PreparedStatement map = connection.prepareStatement(
                        "INSERT OR REPLACE INTO map (zoom_level, tile_column, tile_row, tile_id) VALUES (?, ?, ?, ?)")) {
            for (Tile t : tiles) {
                String id = contentId(t.png());
                image.setString(1, id);
                image.setBytes(2, t.png());
                image.executeUpdate();
                map.setInt(1, t.z());
                map.setLong(2, t.x());
                map.setLong(3, WebMercatorTiles.flipY(t.z(), t.y()));
                map.setString(4, id);
                map.executeUpdate();
            }
        }
    }

    /** True while the lower zooms are still to be built (the apex table is there). */
    boolean hasApexes() throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cairn_apex'")) {
            return rs.next();
        }
    }

    /** The apex tile at (x, y), or null when it is empty or was not rendered. */
    RgbaImage apex(long x, long y) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT rgba FROM cairn_apex WHERE x = ? AND y = ?")) {
            ps.setLong(1, x);
            ps.setLong(2, y);
            try (ResultSet rs = ps.executeQuery()) {
                byte[] b = rs.next() ? rs.getBytes(1) : null;
                if (b == null) {
                    return null;
                }
                int size = WebMercatorTiles.TILE_SIZE;
                return new RgbaImage(size, size, inflate(b, size * size * 4));
            }
        }
    }

    /** Replaces the MBTiles metadata and drops the apex table, in the open transaction. */
    void finish(Map<String, String> metadata) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DELETE FROM metadata");
            s.execute("DROP TABLE cairn_apex");
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO metadata (name, value) VALUES (?, ?)")) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, e.getValue());
                ps.executeUpdate();
            }
        }
    }

    /** Runs {@code work} in one write transaction of its own (see {@link StagedSqliteOutput#inTransaction}). */
    void inTransaction(StagedSqliteOutput.Work work) throws SQLException, java.io.IOException {
        protocol.inTransaction(work);
    }

    /** Tiles stored (rows of {@code map}). */
    long count() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM map")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Rolls back an open transaction (if any) and closes the connection. */
    @Override
    public void close() throws SQLException {
        protocol.close();
    }

    /** 128 bits of SHA-256 of the tile's bytes: the MBTiles tile_id shared by identical tiles. */
    static String contentId(byte[] png) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(png);
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater(1);
        try {
            d.setInput(raw);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4);
            byte[] buf = new byte[64 * 1024];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static byte[] inflate(byte[] packed, int size) throws SQLException {
        Inflater i = new Inflater();
        try {
            i.setInput(packed);
            byte[] out = new byte[size];
            int n = 0;
            while (n < size && !i.finished()) {
                int k = i.inflate(out, n, size - n);
                if (k == 0 && (i.needsInput() || i.needsDictionary())) {
                    break;
                }
                n += k;
            }
            if (n != size) {
                throw new SQLException("a staged apex tile holds " + n + " bytes of pixels, not " + size);
            }
            return out;
        } catch (DataFormatException e) {
            throw new SQLException("a staged apex tile cannot be inflated: " + e.getMessage(), e);
        } finally {
            i.end();
        }
    }
}
