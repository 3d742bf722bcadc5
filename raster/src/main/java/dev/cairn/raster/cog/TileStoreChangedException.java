package dev.cairn.raster.cog;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A tile's length differs between {@link CogWriter}'s two passes over the {@link TileStore}: the
 * offsets already written would be wrong, so the COG is abandoned. Something put tiles while the
 * writer ran; rerun the assembly once the store is complete.
 */
public final class TileStoreChangedException extends IOException {
    public TileStoreChangedException(Path target, int level, int tx, int ty, int sizeLaidOut, int sizeRead) {
        super(target + ": tile " + level + "/" + tx + "/" + ty + " was " + sizeLaidOut
                + " bytes when the COG was laid out and is " + (sizeRead < 0 ? "absent" : sizeRead + " bytes")
                + " now; the tile store must not change while the COG is written");
    }
}
