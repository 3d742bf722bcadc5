package dev.cairn.raster.cog;

/** The TIFF {@code Predictor} (317) applied to a tile before compression. */
public enum Predictor {
    NONE(1),
    /** Horizontal differencing of samples (any type; GDAL's PREDICTOR=2). */
    HORIZONTAL(2),
    /** Floating point: byte planes then byte differencing (TIFF Technical Note 3; float32/float64 only). */
    FLOATING_POINT(3);

    private final int tiffCode;

    Predictor(int tiffCode) {
        this.tiffCode = tiffCode;
    }

    /** The value of TIFF tag 317. */
    public int tiffCode() {
        return tiffCode;
    }
}
