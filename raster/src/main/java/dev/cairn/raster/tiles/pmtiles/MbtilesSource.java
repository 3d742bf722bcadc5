package dev.cairn.raster.tiles.pmtiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;

/**
 * An MBTiles 1.3 file opened read-only, read in PMTiles tile-id order.
 *
 * <p>The order comes from SQLite: a deterministic SQL function {@value #TILE_ID_FUNCTION}{@code (z, x,
 * tms_row)} computes the PMTiles id and the query sorts by it, so SQLite's external merge sort
 * (spilling to its temp directory) keeps memory bounded however many tiles there are. Two shapes:
 * <ul>
 * <li>{@code map} + {@code images} tables (our own files, identical tiles stored once): only
 *     {@code (id, tile_id)} pairs are sorted; a tile's bytes are loaded from {@code images} only
 *     when {@link Cursor#data()} is asked for, i.e. the first time its {@code tile_id} is met.
 *     The dedup key is the {@code tile_id}.</li>
 * <li>otherwise {@code tiles} (table or view): the rows with their blobs are sorted, so SQLite's
 *     temp directory needs room for the tile data; the dedup key is the SHA-256 of the bytes.</li>
 * </ul>
 * <b>Trap:</b> {@code tile_row} is TMS (row 0 at the south); the id uses the XYZ row
 * {@code 2^z - 1 - tile_row}. Not thread-safe: one cursor at a time.
 */
final class MbtilesSource implements AutoCloseable {

    static final String TILE_ID_FUNCTION = "pmtiles_tile_id";

    private static final String DEDUPLICATED_ORDER = """
            SELECT pmtiles_tile_id(m.zoom_level, m.tile_column, m.tile_row) AS id, m.tile_id
            FROM map m JOIN images i ON i.tile_id = m.tile_id
            ORDER BY id""";
    private static final String IMAGE = "SELECT tile_data FROM images WHERE tile_id = ?";
    private static final String PLAIN_ORDER = """
            SELECT pmtiles_tile_id(zoom_level, tile_column, tile_row) AS id, tile_data
            FROM tiles ORDER BY id""";

    private final Path file;
    private final Connection connection;
    private final boolean deduplicated;

    private MbtilesSource(Path file, Connection connection, boolean deduplicated) {
        this.file = file;
        this.connection = connection;
        this.deduplicated = deduplicated;
    }

    static MbtilesSource open(Path file) throws IOException, SQLException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no MBTiles file there");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            Function.create(c, TILE_ID_FUNCTION, new TileIdFunction(), 3, Function.FLAG_DETERMINISTIC);
            boolean dedup;
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_master"
                         + " WHERE type IN ('table', 'view') AND name IN ('map', 'images')")) {
                dedup = r.next() && r.getInt(1) == 2;
            }
            return new MbtilesSource(file, c, dedup);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Identical tiles share a {@code tile_id} ({@code map} + {@code images}). */
    boolean deduplicated() {
        return deduplicated;
    }

    /** The {@code metadata} table in its stored order. */
    Map<String, String> metadata() throws SQLException, InvalidMbtilesException {
        Map<String, String> m = new LinkedHashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("SELECT name, value FROM metadata")) {
            while (r.next()) {
                if (r.getString(1) != null && r.getString(2) != null) {
                    m.putIfAbsent(r.getString(1), r.getString(2));
                }
            }
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table")) {
                throw new InvalidMbtilesException(file, "has no metadata table: not an MBTiles file");
            }
            throw e;
        }
        return m;
    }

    /** All tiles in ascending tile id; close it before closing the source. */
    Cursor cursor() throws SQLException {
        return new Cursor();
    }

    /** One pass over the tiles; {@link #next()} first. */
    final class Cursor implements AutoCloseable {
        private final Statement order;
        private final ResultSet rows;
        private final PreparedStatement image;
        private final MessageDigest sha256;
        private long id;
        private String key;
        private byte[] data;

        private Cursor() throws SQLException {
            order = connection.createStatement();
            try {
                rows = order.executeQuery(deduplicated ? DEDUPLICATED_ORDER : PLAIN_ORDER);
                image = deduplicated ? connection.prepareStatement(IMAGE) : null;
            } catch (SQLException e) {
                order.close();
                throw new SQLException(file + ": cannot read its tiles: " + e.getMessage(), e);
            }
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
        }

        boolean next() throws SQLException {
            try {
                if (!rows.next()) {
                    return false;
                }
                id = rows.getLong(1);
                if (deduplicated) {
                    key = rows.getString(2);
                    data = null;
                } else {
                    data = rows.getBytes(2);
                    key = data == null ? "" : Base64.getEncoder().encodeToString(sha256.digest(data));
                }
                return true;
            } catch (SQLException e) {
                throw new SQLException(file + ": cannot read its tiles: " + e.getMessage(), e);
            }
        }

        long tileId() {
            return id;
        }

        /** Equal keys mean equal bytes. */
        String key() {
            return key;
        }

        /** The tile's bytes (empty for a null blob). */
        byte[] data() throws SQLException {
            if (data == null && deduplicated) {
                image.setString(1, key);
                try (ResultSet r = image.executeQuery()) {
                    data = r.next() ? r.getBytes(1) : null;
                }
            }
            return data == null ? new byte[0] : data;
        }

        @Override
        public void close() throws SQLException {
            try (order) {
                if (image != null) {
                    image.close();
                }
            }
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    /** {@code pmtiles_tile_id(zoom_level, tile_column, tile_row)} with the TMS row. */
    private static final class TileIdFunction extends Function {
        @Override
        protected void xFunc() throws SQLException {
            int z = value_int(0);
            long x = value_long(1);
            long tmsRow = value_long(2);
            if (z < 0 || z > TileId.MAX_ZOOM) {
                throw new SQLException("tile " + z + "/" + x + "/" + tmsRow + " (z/x/tms row): zoom must be 0.."
                        + TileId.MAX_ZOOM);
            }
            long y = (1L << z) - 1 - tmsRow;
            try {
                result(TileId.of(z, x, y));
            } catch (IllegalArgumentException e) {
                throw new SQLException("tile " + z + "/" + x + "/" + tmsRow + " (z/x/tms row) is outside zoom " + z);
            }
        }
    }
}
