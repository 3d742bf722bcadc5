package dev.cairn.raster.cog;

import dev.cairn.raster.PixelBuffer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the overview levels of a COG in its {@link TileStore}: level 1 from the full-resolution
 * tiles (level 0), level 2 from level 1, and so on up to {@link CogLayout#levels()}, each level
 * from the one below it like {@code gdaladdo} does ("cascading"), with GDAL's nearest or average
 * kernel ({@link OverviewResampler}, which gives {@code gdaladdo}'s exact values). Written by hand
 * because the point is GDAL's exact numbers tile by tile; no Java imaging library reproduces
 * GDAL's ratios, weights, working types and rounding.
 *
 * <p>Tile by tile, in row-major order: tile (tx, ty) of level L reads the level-(L-1) pixels
 * under it, which are the 2×2 tiles (2tx..2tx+1, 2ty..2ty+1) when the level below has even
 * sizes, and reach one pixel into the next tile column/row (up to 3×3 tiles) when it has odd
 * sizes, since GDAL then uses the ratio {@code srcSize/dstSize}, not 2. Memory: the source
 * window (≤ (2·tileSize+2)² pixels), the destination tile and a cache of six decoded tiles —
 * never a whole level. Edge tiles are padded with the nodata value (else 0). A source tile absent
 * from the store reads as nodata (else 0), as GDAL reads a sparse tile.
 *
 * <p>Not thread-safe in itself: call it from one thread per COG; the store receives {@code put}s
 * from that thread only. A level can be rebuilt alone ({@link #buildLevel}) after a crash.
 */
public final class OverviewBuilder {
    private static final int CACHE_TILES = 6;

    private final CogLayout layout;
    private final TileStore store;
    private final TileDecoder decoder;
    private final TileEncoder encoder;
    private final Resampling resampling;

    private OverviewBuilder(CogLayout layout, TileStore store, TileDecoder decoder, TileEncoder encoder,
            Resampling resampling) {
        this.layout = layout;
        this.store = store;
        this.decoder = decoder;
        this.encoder = encoder;
        this.resampling = resampling;
    }

    /** Builds every overview level (1..{@link CogLayout#levels()}) from the level-0 tiles in {@code store}. */
    public static void build(CogLayout layout, TileStore store, TileDecoder decoder, TileEncoder encoder,
            Resampling resampling) throws IOException {
        OverviewBuilder b = new OverviewBuilder(layout, store, decoder, encoder, resampling);
        for (int level = 1; level <= layout.levels(); level++) {
            b.level(level);
        }
    }

    /** Builds one overview level from the level below it, which must be complete in {@code store}. */
    public static void buildLevel(CogLayout layout, TileStore store, TileDecoder decoder, TileEncoder encoder,
            Resampling resampling, int level) throws IOException {
        if (level < 1 || level > layout.levels()) {
            throw new IllegalArgumentException("overview level " + level + " outside 1.." + layout.levels());
        }
        new OverviewBuilder(layout, store, decoder, encoder, resampling).level(level);
    }

    private void level(int level) throws IOException {
        OverviewResampler kernel = new OverviewResampler(layout, level, resampling);
        Map<Long, PixelBuffer> cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, PixelBuffer> e) {
                return size() > CACHE_TILES;
            }
        };
        int t = layout.tileSize();
        for (int ty = 0; ty < layout.tilesDown(level); ty++) {
            for (int tx = 0; tx < layout.tilesAcross(level); tx++) {
                int dx0 = tx * t, dx1 = Math.min(layout.width(level), dx0 + t);
                int dy0 = ty * t, dy1 = Math.min(layout.height(level), dy0 + t);
                int sx0 = kernel.srcX0(dx0), sx1 = kernel.srcX1(dx1 - 1);
                int sy0 = kernel.srcY0(dy0), sy1 = kernel.srcY1(dy1 - 1);
                PixelBuffer window = window(level - 1, sx0, sx1, sy0, sy1, cache);
                PixelBuffer tile = PixelBuffer.allocate(layout.type(), t, t, layout.bands());
                tile.fill(layout.padValue());
                kernel.resample(window, sx0, sy0, tile, dx0, dy0, dx0, dx1, dy0, dy1);
                store.put(level, tx, ty, encoder.encode(tile));
            }
        }
    }

    /** Pixels [sx0, sx1) × [sy0, sy1) of {@code level}, assembled from the tiles covering them. */
    private PixelBuffer window(int level, int sx0, int sx1, int sy0, int sy1, Map<Long, PixelBuffer> cache)
            throws IOException {
        int t = layout.tileSize();
        PixelBuffer w = PixelBuffer.allocate(layout.type(), sx1 - sx0, sy1 - sy0, layout.bands());
        for (int sty = sy0 / t; sty <= (sy1 - 1) / t; sty++) {
            for (int stx = sx0 / t; stx <= (sx1 - 1) / t; stx++) {
                PixelBuffer src = tile(level, stx, sty, cache);
                int x0 = Math.max(sx0, stx * t), x1 = Math.min(sx1, stx * t + t);
                int y0 = Math.max(sy0, sty * t), y1 = Math.min(sy1, sty * t + t);
                w.copyFrom(src, x0 - stx * t, y0 - sty * t, x1 - x0, y1 - y0, x0 - sx0, y0 - sy0);
            }
        }
        return w;
    }

    private PixelBuffer tile(int level, int tx, int ty, Map<Long, PixelBuffer> cache) throws IOException {
        long key = InMemoryTileStore.key(level, tx, ty);
        PixelBuffer p = cache.get(key);
        if (p != null) {
            return p;
        }
        byte[] bytes = store.get(level, tx, ty);
        int t = layout.tileSize();
        if (bytes == null) {
            p = PixelBuffer.allocate(layout.type(), t, t, layout.bands());
            p.fill(layout.padValue());
        } else {
            p = decoder.decode(bytes);
            if (p.width() != t || p.height() != t || p.bands() != layout.bands() || p.type() != layout.type()) {
                throw new IOException("tile " + level + "/" + tx + "/" + ty + " decoded to " + p.width() + "x"
                        + p.height() + "x" + p.bands() + " " + p.type() + ", the layout says " + t + "x" + t + "x"
                        + layout.bands() + " " + layout.type());
            }
        }
        cache.put(key, p);
        return p;
    }
}
