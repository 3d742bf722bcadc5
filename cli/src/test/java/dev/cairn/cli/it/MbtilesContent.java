package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/** What the tiles tests compare of an MBTiles file: every tile's SHA-256 by "z/x/row" (MBTiles rows). */
final class MbtilesContent {
    private MbtilesContent() {
    }

    static Map<String, String> tiles(Path mbtiles) throws Exception {
        Map<String, String> t = new TreeMap<>();
        try (Connection c = GpkgCompare.open(mbtiles); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")) {
            while (rs.next()) {
                t.put(rs.getInt(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(rs.getBytes(4))));
            }
        }
        assertThat(t).isNotEmpty();
        return t;
    }
}
