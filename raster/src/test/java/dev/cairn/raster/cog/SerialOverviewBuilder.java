package dev.cairn.raster.cog;

import dev.cairn.raster.PixelBuffer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference for {@link OverviewBuilder}: the serial builder it replaced, kept as it was (one
 * thread, output tiles in row-major order, a cache of six decoded tiles), except that it resamples
 * with {@link OverviewResampler#resampleEachPixel}, the generic per-pixel kernel, so that a
 * comparison also holds the specialised loops against it.
 */
final class SerialOverviewBuilder {
    private static final int CACHE_TILES = 6;

    private final CogLayout layout;
    private final TileStore store;
    private final TileDecoder decoder;
    private final TileEncoder encoder;

    private SerialOverviewBuilder(CogLayout layout, TileStore store, TileDecoder decoder, TileEncoder encoder) {
        this.layout = layout;
        this.store = store;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    static void build(CogLayout layout, TileStore store, TileDecoder decoder, TileEncoder encoder,
            Resampling resampling) throws IOException {
        SerialOverviewBuilder b = new SerialOverviewBuilder(layout, store, decoder, encoder);
        for (int level = 1; level <= layout.levels(); level++) {
            b.level(level, new OverviewResampler(layout, level, resampling));
        }
    }

    private void level(int level, OverviewResampler kernel) throws IOException {
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
                kernel.resampleEachPixel(window, sx0, sy0, tile, dx0, dy0, dx0, dx1, dy0, dy1);
                store.put(level, tx, ty, encoder.encode(tile));
            }
        }
    }

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
        }
        cache.put(key, p);
        return p;
    }
}
