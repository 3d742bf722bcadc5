package dev.cairn.raster.warp;

/**
 * The resampling kernels of {@code cairn warp}, each as GDAL's warper computes it
 * ({@code gdalwarp -r near|bilinear|cubic|average}).
 */
public enum Resampling {
    /** The source pixel under the output pixel's centre. */
    NEAREST,
    /**
     * 2×2 source pixels around the centre, weights renormalised over the valid ones; when the
     * output is coarser than the source (fewer than 0.95 output pixels per source pixel along an
     * axis) the tent is stretched over all source pixels under the output pixel, as GDAL does.
     */
    BILINEAR,
    /**
     * Keys' cubic convolution (a = −0.5) on 4×4 source pixels; where any of them is missing
     * (image edge, nodata) the pixel falls back to {@link #BILINEAR}, as GDAL does.
     */
    CUBIC,
    /**
     * The mean of the source pixels overlapping the output pixel's footprint, each weighted by
     * the fraction of it inside the footprint's bounding box in source pixel space (GDAL's
     * {@code GWKAverageOrMode}); nodata pixels do not count.
     */
    AVERAGE;

    /** The {@code gdalwarp -r} name. */
    public String gdalName() {
        return switch (this) {
            case NEAREST -> "near";
            case BILINEAR -> "bilinear";
            case CUBIC -> "cubic";
            case AVERAGE -> "average";
        };
    }
}
