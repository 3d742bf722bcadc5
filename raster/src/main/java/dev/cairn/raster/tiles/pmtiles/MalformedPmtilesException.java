package dev.cairn.raster.tiles.pmtiles;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a readable PMTiles v3 archive: foreign, truncated, or inconsistent. */
public final class MalformedPmtilesException extends IOException {

    MalformedPmtilesException(Path file, String problem) {
        super(file + " " + problem);
    }
}
