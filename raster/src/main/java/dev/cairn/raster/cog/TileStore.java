package dev.cairn.raster.cog;

import java.io.IOException;

/**
 * The compressed tiles of one COG, by level and tile column/row, as {@link TileEncoder} produced
 * them: where the warp job stages full-resolution tiles (its SQLite staging file implements this)
 * and where {@link OverviewBuilder} puts the overview levels; {@link CogWriter} reads it twice
 * (sizes, then bytes) and requires both reads to agree.
 *
 * <p>A tile that was never put is absent: {@link #get} returns null, {@link #size} -1, and the COG
 * records it as sparse (offset and byte count 0; readers see the nodata value, else 0).
 * Implementations say themselves whether they are thread-safe.
 */
public interface TileStore {

    /** The tile's bytes, or null when absent. */
    byte[] get(int level, int tx, int ty) throws IOException;

    /** Stores (or replaces) a tile. */
    void put(int level, int tx, int ty, byte[] compressed) throws IOException;

    /** The tile's length in bytes, or -1 when absent; must not need to read the tile itself where avoidable. */
    int size(int level, int tx, int ty) throws IOException;
}
