package dev.cairn.raster.tiles.pmtiles;

import java.io.IOException;
import java.nio.file.Path;

/** An MBTiles file that cannot be exported to PMTiles: metadata missing or invalid, no tiles, a tile twice. */
public final class InvalidMbtilesException extends IOException {

    InvalidMbtilesException(Path file, String problem) {
        super(file + " " + problem);
    }
}
