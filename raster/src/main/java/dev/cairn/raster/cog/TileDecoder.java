package dev.cairn.raster.cog;

import dev.cairn.raster.PixelBuffer;
import java.io.IOException;

/**
 * Compressed tile bytes, as a {@link TileEncoder} of the same layout produced them, back to the
 * full {@code tileSize × tileSize} tile (padding included). The TIFF decoders of
 * {@code dev.cairn.raster.tiff} provide one; {@link OverviewBuilder} needs one to read the level
 * below the one it builds, and calls it from the engine's transform pool, several tiles at once:
 * implementations must be thread-safe.
 */
@FunctionalInterface
public interface TileDecoder {
    PixelBuffer decode(byte[] compressed) throws IOException;
}
