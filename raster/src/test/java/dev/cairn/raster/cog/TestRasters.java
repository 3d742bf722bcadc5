package dev.cairn.raster.cog;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import java.io.IOException;
import java.util.Random;

/** Test images (seeded gradients plus noise) and the pipeline that turns one into a COG. */
final class TestRasters {
    private TestRasters() {
    }

    /**
     * A gradient per band plus seeded noise, spanning much of the type's range (int32 kept within
     * ±2^22 so GDAL's float32 working type stays exact); with {@code nodata}, a few rectangles
     * and scattered pixels hold it.
     */
    static PixelBuffer image(DataType type, int width, int height, int bands, long seed, Double nodata) {
        PixelBuffer p = PixelBuffer.allocate(type, width, height, bands);
        Random r = new Random(seed);
        double lo = Math.max(type.min(), -4_000_000), hi = Math.min(type.max(), 4_000_000);
        if (type.isFloatingPoint()) {
            lo = -1000;
            hi = 5000;
        }
        double span = hi - lo;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int b = 0; b < bands; b++) {
                    double g = ((double) x / width * (b + 1) + (double) y / height * (bands - b)) / (bands + 1);
                    double v = lo + span * (0.05 + 0.8 * g) + span * 0.1 * r.nextDouble();
                    if (type.isFloatingPoint()) {
                        p.set(x, y, b, type == DataType.FLOAT32 ? (float) v : v);
                    } else {
                        p.set(x, y, b, Math.floor(v));
                    }
                }
            }
        }
        if (nodata != null) {
            for (int k = 0; k < 20; k++) {
                int x0 = r.nextInt(width), y0 = r.nextInt(height);
                int w = 1 + r.nextInt(Math.max(1, width / 8)), h = 1 + r.nextInt(Math.max(1, height / 8));
                for (int y = y0; y < Math.min(height, y0 + h); y++) {
                    for (int x = x0; x < Math.min(width, x0 + w); x++) {
                        for (int b = 0; b < bands; b++) {
                            p.set(x, y, b, nodata);
                        }
                    }
                }
            }
            for (int k = 0; k < width * height / 50; k++) {
                int x = r.nextInt(width), y = r.nextInt(height);
                p.set(x, y, r.nextInt(bands), nodata);
            }
        }
        return p;
    }

    /** Cuts the image into padded level-0 tiles, encodes them, builds the overviews: the staged tile set. */
    static InMemoryTileStore stage(CogLayout layout, PixelBuffer image, Resampling resampling) throws IOException {
        InMemoryTileStore store = new InMemoryTileStore();
        TileEncoder encoder = TileEncoder.forLayout(layout);
        int t = layout.tileSize();
        for (int ty = 0; ty < layout.tilesDown(0); ty++) {
            for (int tx = 0; tx < layout.tilesAcross(0); tx++) {
                PixelBuffer tile = PixelBuffer.allocate(layout.type(), t, t, layout.bands());
                tile.fill(layout.padValue());
                int w = Math.min(t, layout.width() - tx * t), h = Math.min(t, layout.height() - ty * t);
                tile.copyFrom(image, tx * t, ty * t, w, h, 0, 0);
                store.put(0, tx, ty, encoder.encode(tile));
            }
        }
        OverviewBuilder.build(layout, store, new TestTileDecoder(layout), encoder, resampling);
        return store;
    }
}
