package dev.cairn.raster.warp;

import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import java.io.IOException;
import java.util.OptionalDouble;

/**
 * The raster a {@link Warper} reads from, accessed by windows: in production the GeoTIFF reader
 * (local or over HTTP), in tests a raw file.
 *
 * <p>Implementations must allow concurrent {@link #read} calls when one {@link Warper} serves
 * windows on several threads.
 */
public interface WarpSource {

    int width();

    int height();

    int bands();

    DataType type();

    /** The value of pixels that hold no data, shared by all bands; empty when there is none. */
    OptionalDouble nodata();

    /** From pixel/line (corner of pixel (0,0) at (0,0)) to the source CRS, x = east. */
    GeoTransform geoTransform();

    /**
     * Pixels of all bands in the rectangle (x, y, w, h), which lies inside the image,
     * pixel-interleaved, of {@link #type()}.
     */
    PixelBuffer read(int x, int y, int w, int h) throws IOException;
}
