package dev.cairn.raster.cog;

/** How {@link OverviewBuilder} reduces one level to the next, as {@code gdaladdo -r}. */
public enum Resampling {
    /** GDAL's nearest: destination pixel i takes source pixel {@code (int) (0.5 + i * ratio)}. */
    NEAREST,
    /** GDAL's average: area-weighted mean of the valid (non-nodata) source pixels under the destination pixel. */
    AVERAGE
}
