package dev.cairn.raster.warp;

/**
 * The source raster's extent cannot be expressed in the target CRS: too few of its sample points
 * transform (a polar image to Mercator, a continent to a narrow UTM zone). The message names
 * the counts and what to do; the asset fails permanently (a CRS problem, not a transient one).
 */
public final class ExtentNotTransformableException extends Exception {
    private static final long serialVersionUID = 1L;

    public ExtentNotTransformableException(String message) {
        super(message);
    }
}
