package dev.cairn.raster.tiles;

import dev.cairn.raster.tiles.pmtiles.PmtilesWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

/** Exports a finished MBTiles staging file as a PMTiles v3 archive ({@link PmtilesWriter}). */
final class PmtilesExport {
    private PmtilesExport() {
    }

    static void export(Path mbtiles, Path out) throws IOException {
        try {
            PmtilesWriter.fromMbtiles(mbtiles, out);
        } catch (SQLException e) {
            throw new IOException(mbtiles + ": cannot read the finished tiles to export them as PMTiles ("
                    + e.getMessage() + ")", e);
        }
    }
}
