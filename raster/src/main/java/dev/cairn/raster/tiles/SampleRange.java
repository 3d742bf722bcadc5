package dev.cairn.raster.tiles;

import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.tiff.GeoTiffReader;
import dev.cairn.raster.tiff.TiffImage;
import java.io.IOException;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The range of a raster's values, for showing data that is not 8-bit without {@code --scale}:
 * the minimum and maximum of the shown bands over a sample — the smallest overview of at least
 * 256² pixels when the file has overviews, else up to {@value #BLOCKS} blocks of the full image
 * spread evenly over it — leaving out nodata and NaN. Like GDAL's approximate statistics it reads
 * a bounded amount whatever the image size, and the same file always gives the same range (the
 * plan is derived again in every process).
 */
final class SampleRange {
    static final int BLOCKS = 64;

    private SampleRange() {
    }

    /** {min, max} of {@code bands} (0-based), or null when the sample holds no valid value. */
    static double[] of(GeoTiffReader reader, int[] bands) throws IOException {
        TiffImage image = reader.image();
        List<TiffImage> overviews = reader.overviews();
        for (int i = overviews.size() - 1; i >= 0; i--) {
            TiffImage o = overviews.get(i);
            if ((long) o.width() * o.height() >= 256L * 256) {
                image = o;
                break;
            }
        }
        OptionalDouble nodata = reader.image().nodata();
        long total = (long) image.blocksAcross() * image.blocksDown();
        long step = Math.max(1, (total + BLOCKS - 1) / BLOCKS);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (long k = step / 2; k < total; k += step) {
            int bx = (int) (k % image.blocksAcross());
            int by = (int) (k / image.blocksAcross());
            PixelBuffer block = image.readBlock(bx, by);
            int w = Math.min(block.width(), image.width() - bx * image.blockWidth());
            int h = Math.min(block.height(), image.height() - by * image.blockHeight());
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int b : bands) {
                        double v = block.get(x, y, b);
                        if (v != v || (nodata.isPresent() && v == nodata.getAsDouble())) {
                            continue;
                        }
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
        }
        return min <= max ? new double[] {min, max} : null;
    }
}
