package dev.cairn.raster.tiles;

import java.io.IOException;
import java.nio.file.Path;

/** Exports a finished MBTiles staging file as a PMTiles v3 archive. */
final class PmtilesExport {
    private PmtilesExport() {
    }

    static void export(Path mbtiles, Path out) throws IOException {
        throw new IOException("PMTiles export is not wired yet");
    }
}
