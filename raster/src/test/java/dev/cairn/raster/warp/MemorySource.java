package dev.cairn.raster.warp;

import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link WarpSource} over pixels in memory; counts reads and remembers the largest. Thread-safe. */
final class MemorySource implements WarpSource {
    private final PixelBuffer pixels;
    private final GeoTransform geoTransform;
    private final OptionalDouble nodata;
    final AtomicLong reads = new AtomicLong();
    final AtomicLong largestRead = new AtomicLong();

    MemorySource(PixelBuffer pixels, GeoTransform geoTransform, OptionalDouble nodata) {
        this.pixels = pixels;
        this.geoTransform = geoTransform;
        this.nodata = nodata;
    }

    @Override
    public int width() {
        return pixels.width();
    }

    @Override
    public int height() {
        return pixels.height();
    }

    @Override
    public int bands() {
        return pixels.bands();
    }

    @Override
    public DataType type() {
        return pixels.type();
    }

    @Override
    public OptionalDouble nodata() {
        return nodata;
    }

    @Override
    public GeoTransform geoTransform() {
        return geoTransform;
    }

    @Override
    public PixelBuffer read(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > width() || y + h > height()) {
            throw new IllegalArgumentException("read " + x + "," + y + " " + w + "x" + h + " outside " + width() + "x"
                    + height());
        }
        reads.incrementAndGet();
        largestRead.accumulateAndGet((long) w * h, Math::max);
        PixelBuffer p = PixelBuffer.allocate(type(), w, h, bands());
        p.copyFrom(pixels, x, y, w, h, 0, 0);
        return p;
    }
}
