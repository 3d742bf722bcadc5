package dev.cairn.raster.tiles.pmtiles;

/**
 * PMTiles v3 tile ids: the position of a tile on the sequence of Hilbert curves, one per zoom
 * level, starting at zoom 0 (spec §4.1). Zoom {@code z} starts at id {@code (4^z - 1) / 3}; within
 * a zoom, the id follows the Hilbert curve over the {@code 2^z × 2^z} grid, so that tiles close
 * on the map are close in the file.
 *
 * <p><b>Trap:</b> {@code y} is the XYZ row (row 0 at the north), not the TMS row of MBTiles
 * ({@code y = 2^z - 1 - tile_row}). Zoom levels 0..31 fit in a signed 64-bit id (the ids end
 * below {@code (2^64 - 1) / 3}); deeper zooms are rejected, as by the reference implementations.
 *
 * <p>Stateless and thread-safe; a translation of the reference implementation's
 * {@code zxy_to_tileid} / {@code tileid_to_zxy}.
 */
public final class TileId {

    /** The deepest zoom whose ids fit in a {@code long}. */
    public static final int MAX_ZOOM = 31;

    /** One past the last id of zoom {@link #MAX_ZOOM}: {@code (4^32 - 1) / 3}. */
    static final long END = Long.divideUnsigned(-1L, 3);

    private TileId() {
    }

    /** The id of tile {@code z/x/y} (XYZ row). */
    public static long of(int z, long x, long y) {
        if (z < 0 || z > MAX_ZOOM) {
            throw new IllegalArgumentException("zoom must be 0.." + MAX_ZOOM + ", got " + z);
        }
        long n = 1L << z;
        if (x < 0 || x >= n || y < 0 || y >= n) {
            throw new IllegalArgumentException("tile " + z + "/" + x + "/" + y + " is outside zoom " + z
                    + " (x and y must be 0.." + (n - 1) + ")");
        }
        long acc = firstIdOfZoom(z);
        for (int a = z - 1; a >= 0; a--) {
            long s = 1L << a;
            long rx = s & x;
            long ry = s & y;
            acc += ((3 * rx) ^ ry) << a;
            // rotate the quadrant (x and y may go negative here: the low bits stay right)
            if (ry == 0) {
                if (rx != 0) {
                    x = s - 1 - x;
                    y = s - 1 - y;
                }
                long t = x;
                x = y;
                y = t;
            }
        }
        return acc;
    }

    /** {@code {z, x, y}} (XYZ row) of a tile id. */
    public static long[] zxy(long tileId) {
        if (tileId < 0 || tileId >= END) {
            throw new IllegalArgumentException("tile id must be 0.." + (END - 1)
                    + " (zoom 0.." + MAX_ZOOM + "), got " + tileId);
        }
        // 3 * id + 1 < 2^64: read as unsigned, its bit length gives the zoom
        int z = (63 - Long.numberOfLeadingZeros(3 * tileId + 1)) / 2;
        long pos = tileId - firstIdOfZoom(z);
        long x = 0;
        long y = 0;
        long n = 1L << z;
        for (long s = 1; s < n; s <<= 1) {
            long rx = (pos / 2) & s;
            long ry = (pos ^ rx) & s;
            if (ry == 0) {
                if (rx != 0) {
                    x = s - 1 - x;
                    y = s - 1 - y;
                }
                long t = x;
                x = y;
                y = t;
            }
            x += rx;
            y += ry;
            pos >>= 1;
        }
        return new long[] {z, x, y};
    }

    /** {@code (4^z - 1) / 3}: the number of tiles of all zoom levels above {@code z}. */
    static long firstIdOfZoom(int z) {
        return ((1L << (2 * z)) - 1) / 3;
    }
}
