package dev.cairn.raster.tiles.pmtiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds MBTiles files for the tests, in either shape: a plain {@code tiles} table, or our own
 * deduplicated {@code map} + {@code images} tables with {@code tiles} a view. Tiles are given with
 * their XYZ row; the file stores the TMS row, as MBTiles requires.
 */
final class MbtilesFixture implements AutoCloseable {

    private final Connection db;
    private final PreparedStatement insertTile;
    private final PreparedStatement insertMap;
    private final PreparedStatement insertImage;
    private final boolean deduplicated;

    private MbtilesFixture(Path file, boolean deduplicated) throws SQLException {
        this.deduplicated = deduplicated;
        db = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE metadata(name TEXT, value TEXT)");
            if (deduplicated) {
                s.execute("CREATE TABLE images(tile_id TEXT PRIMARY KEY, tile_data BLOB)");
                s.execute("CREATE TABLE map(zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id TEXT,"
                        + " PRIMARY KEY(zoom_level, tile_column, tile_row))");
                s.execute("CREATE VIEW tiles AS SELECT map.zoom_level, map.tile_column, map.tile_row, images.tile_data"
                        + " FROM map JOIN images ON images.tile_id = map.tile_id");
            } else {
                s.execute("CREATE TABLE tiles(zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)");
            }
        }
        db.setAutoCommit(false);
        insertTile = deduplicated ? null : db.prepareStatement("INSERT INTO tiles VALUES (?, ?, ?, ?)");
        insertMap = deduplicated ? db.prepareStatement("INSERT INTO map VALUES (?, ?, ?, ?)") : null;
        insertImage = deduplicated ? db.prepareStatement("INSERT OR IGNORE INTO images VALUES (?, ?)") : null;
    }

    /** A plain {@code tiles} table. */
    static MbtilesFixture plain(Path file) throws SQLException {
        return new MbtilesFixture(file, false);
    }

    /** {@code map} + {@code images}, {@code tiles} a view joining them. */
    static MbtilesFixture deduplicated(Path file) throws SQLException {
        return new MbtilesFixture(file, true);
    }

    static Map<String, String> rasterMetadata(String format) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", "test \"tiles\"");
        m.put("format", format);
        m.put("minzoom", "0");
        m.put("maxzoom", "3");
        m.put("bounds", "-10.5,20.25,30.125,60.0625");
        m.put("type", "overlay");
        m.put("version", "1.0.0");
        m.put("description", "line one\nline two ünïcode");
        m.put("attribution", "<a href=\"x\">©</a>");
        return m;
    }

    MbtilesFixture metadata(Map<String, String> metadata) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO metadata VALUES (?, ?)")) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                p.setString(1, e.getKey());
                p.setString(2, e.getValue());
                p.executeUpdate();
            }
        }
        return this;
    }

    /** Adds tile z/x/y (XYZ row) with {@code data}; in the deduplicated shape, under {@code tileId}. */
    MbtilesFixture tile(int z, long x, long y, String tileId, byte[] data) throws SQLException {
        long tmsRow = (1L << z) - 1 - y;
        if (deduplicated) {
            insertImage.setString(1, tileId);
            insertImage.setBytes(2, data);
            insertImage.executeUpdate();
            insertMap.setInt(1, z);
            insertMap.setLong(2, x);
            insertMap.setLong(3, tmsRow);
            insertMap.setString(4, tileId);
            insertMap.executeUpdate();
        } else {
            insertTile.setInt(1, z);
            insertTile.setLong(2, x);
            insertTile.setLong(3, tmsRow);
            insertTile.setBytes(4, data);
            insertTile.executeUpdate();
        }
        return this;
    }

    /** The tile's content in most tests: its own "z/x/y", so that a misplaced tile is seen. */
    static byte[] named(int z, long x, long y) {
        return (z + "/" + x + "/" + y).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws SQLException {
        db.commit();
        db.close();
    }
}
