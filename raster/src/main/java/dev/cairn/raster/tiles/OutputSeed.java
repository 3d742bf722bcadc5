package dev.cairn.raster.tiles;

import dev.cairn.raster.tiles.pmtiles.PmtilesReader;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * The tiles a job widened from an earlier one starts from: the earlier job's MBTiles or PMTiles
 * output, copied into the new staging file in the transaction that creates it (so exactly once;
 * a kill rolls the copy back with the file's creation). An XYZ folder needs no copy: its tiles
 * stay where they are and the new zooms are added beside them.
 */
final class OutputSeed {
    private static final int BATCH = 512;

    private OutputSeed() {
    }

    static StagedTiles.Seed of(TilesPlan plan) {
        TilesOptions o = plan.options();
        if (o.made() == null || o.target() == TilesOptions.Target.XYZ) {
            return StagedTiles.Seed.NONE;
        }
        Path earlier = o.output();
        return o.target() == TilesOptions.Target.MBTILES ? stage -> fromMbtiles(earlier, stage) : stage -> fromPmtiles(earlier, stage);
    }

    private static void fromMbtiles(Path file, StagedTiles stage) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        List<StagedTiles.Tile> batch = new ArrayList<>(BATCH);
        try (Connection c = config.createConnection("jdbc:sqlite:file:" + file.toAbsolutePath().toUri().getRawPath());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")) {
            while (rs.next()) {
                int z = rs.getInt(1);
                batch.add(new StagedTiles.Tile(z, rs.getLong(2), WebMercatorTiles.flipY(z, rs.getLong(3)), rs.getBytes(4)));
                if (batch.size() == BATCH) {
                    stage.put(batch);
                    batch.clear();
                }
            }
        }
        stage.put(batch);
    }

    private static void fromPmtiles(Path file, StagedTiles stage) throws SQLException {
        List<StagedTiles.Tile> batch = new ArrayList<>(BATCH);
        try (PmtilesReader r = PmtilesReader.open(file)) {
            r.forEach((z, x, y, data) -> {
                batch.add(new StagedTiles.Tile(z, x, y, data));
                if (batch.size() == BATCH) {
                    try {
                        stage.put(batch);
                    } catch (SQLException e) {
                        throw new IOException(e);
                    }
                    batch.clear();
                }
            });
        } catch (IOException e) {
            throw new SQLException(file + ": cannot read the tiles the earlier job made (" + e.getMessage() + ")", e);
        }
        stage.put(batch);
    }
}
