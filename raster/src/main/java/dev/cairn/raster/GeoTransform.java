package dev.cairn.raster;

/**
 * GDAL's affine geotransform: from pixel/line coordinates (the corner of pixel (0,0) is (0,0),
 * its centre (0.5,0.5)) to coordinates in the raster's CRS:
 *
 * <pre>
 *   X = c[0] + px * c[1] + line * c[2]
 *   Y = c[3] + px * c[4] + line * c[5]
 * </pre>
 *
 * For a north-up image c[2] = c[4] = 0 and c[5] &lt; 0. GeoTIFF's {@code ModelPixelScale} +
 * {@code ModelTiepoint} or {@code ModelTransformation} map to this, with the half-pixel shift of
 * {@code RasterPixelIsPoint} already applied (as GDAL does by default).
 */
public record GeoTransform(double originX, double pixelWidth, double rotationX,
                           double originY, double rotationY, double pixelHeight) {

    /** From GDAL's six-number array order. */
    public static GeoTransform of(double[] c) {
        return new GeoTransform(c[0], c[1], c[2], c[3], c[4], c[5]);
    }

    /** GDAL's six-number array order. */
    public double[] toArray() {
        return new double[] {originX, pixelWidth, rotationX, originY, rotationY, pixelHeight};
    }

    public boolean isNorthUp() {
        return rotationX == 0 && rotationY == 0;
    }

    /** CRS x of pixel coordinate (px, line). */
    public double x(double px, double line) {
        return originX + px * pixelWidth + line * rotationX;
    }

    /** CRS y of pixel coordinate (px, line). */
    public double y(double px, double line) {
        return originY + px * rotationY + line * pixelHeight;
    }

    /** The inverse transform (CRS → pixel/line). */
    public GeoTransform inverse() {
        double det = pixelWidth * pixelHeight - rotationX * rotationY;
        if (det == 0 || !Double.isFinite(det)) {
            throw new IllegalStateException("geotransform is not invertible: " + this);
        }
        double a = pixelHeight / det, b = -rotationX / det, d = -rotationY / det, e = pixelWidth / det;
        return new GeoTransform(-(a * originX + b * originY), a, b, -(d * originX + e * originY), d, e);
    }
}
