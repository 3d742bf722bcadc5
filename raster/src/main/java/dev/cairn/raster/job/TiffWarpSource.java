package dev.cairn.raster.job;

import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.tiff.TiffImage;
import dev.cairn.raster.warp.WarpSource;
import java.io.IOException;
import java.util.OptionalDouble;

/** A GeoTIFF image as the warper's source: windows read through the reader's bounded block cache. */
public final class TiffWarpSource implements WarpSource {
    private final TiffImage image;
    private final GeoTransform geoTransform;

    public TiffWarpSource(TiffImage image, GeoTransform geoTransform) {
        this.image = image;
        this.geoTransform = geoTransform;
    }

    @Override
    public int width() {
        return image.width();
    }

    @Override
    public int height() {
        return image.height();
    }

    @Override
    public int bands() {
        return image.bands();
    }

    @Override
    public DataType type() {
        return image.dataType();
    }

    @Override
    public OptionalDouble nodata() {
        return image.nodata();
    }

    @Override
    public GeoTransform geoTransform() {
        return geoTransform;
    }

    @Override
    public PixelBuffer read(int x, int y, int w, int h) throws IOException {
        return image.readWindow(x, y, w, h);
    }
}
