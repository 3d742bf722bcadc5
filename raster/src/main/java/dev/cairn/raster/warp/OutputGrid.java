package dev.cairn.raster.warp;

import dev.cairn.raster.GeoTransform;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.NoninvertibleTransformException;

/**
 * The pixel grid of a warp's output in the target CRS: a north-up geotransform and a size,
 * chosen as gdalwarp chooses it.
 *
 * <ul>
 *   <li>Default: GDAL's suggested output ({@link SuggestedOutput}): the source footprint's
 *       bounding box, square pixels sized so that the transformed diagonal keeps the source's
 *       pixel count.</li>
 *   <li>{@code -tr} ({@link GridRequest#xRes()}): that resolution over the suggested extent,
 *       size = (extent + res/2) / res truncated; with {@code -tap} the extent is first snapped
 *       outwards to multiples of the resolution.</li>
 *   <li>{@code -te}: that extent; with {@code -tr} exactly as above (the suggestion is then not
 *       computed at all, so it works where the source's footprint cannot be); without, the
 *       suggested resolution rounds the size, and the pixel size is then stretched (x and y
 *       separately) so the size covers the extent exactly.</li>
 * </ul>
 *
 * Axis order trap: coordinates are x = east/longitude, y = north/latitude, the order of
 * {@code CrsResolver}'s normalised CRSs and of gdalwarp; an EPSG:4326 grid's x is longitude.
 */
public record OutputGrid(GeoTransform geoTransform, int width, int height) {

    public OutputGrid {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("output grid must have at least one pixel, got " + width + "x" + height);
        }
    }

    /**
     * The grid gdalwarp would write for {@code source} reprojected with {@code sourceToTarget}
     * (source CRS → target CRS, x = east on both sides, e.g. {@code CrsResolver.operation(...).transform()}).
     *
     * @throws ExtentNotTransformableException when the source's footprint cannot be computed in
     *                                         the target CRS (and no extent and resolution were given)
     */
    public static OutputGrid plan(int sourceWidth, int sourceHeight, GeoTransform sourceGeoTransform,
            MathTransform sourceToTarget, GridRequest request) throws ExtentNotTransformableException {
        double[] te = request.extent();
        if (request.hasResolution() && te != null) {
            return fromExtent(te[0], te[1], te[2], te[3], request.xRes(), request.yRes(), request.targetAligned());
        }
        PixelTransform forward = PixelTransform.sourcePixelToTarget(sourceGeoTransform, sourceToTarget);
        PixelTransform inverse;
        try {
            inverse = forward.inverse();
        } catch (NoninvertibleTransformException e) {
            throw new ExtentNotTransformableException("The transform from the source to the target CRS cannot be"
                    + " inverted (" + e.getMessage() + "): no pixel of the output could be mapped back to the source.");
        }
        if (te != null && !request.hasResolution()) {
            return withExtentOnly(sourceWidth, sourceHeight, sourceGeoTransform, sourceToTarget, te, inverse);
        }
        SuggestedOutput.Suggestion s = SuggestedOutput.suggest(sourceWidth, sourceHeight, forward, inverse);
        if (request.hasResolution()) {
            double minX = s.minX();
            double maxX = s.minX() + s.pixelSizeX() * s.pixels();
            double maxY = s.maxY();
            double minY = s.maxY() - s.pixelSizeY() * s.lines();
            return fromExtent(minX, minY, maxX, maxY, request.xRes(), request.yRes(), request.targetAligned());
        }
        return new OutputGrid(new GeoTransform(s.minX(), s.pixelSizeX(), 0, s.maxY(), 0, -s.pixelSizeY()),
                s.pixels(), s.lines());
    }

    /**
     * {@code -te} without {@code -tr} (gdalwarp since 3.x): the resolution is measured inside the
     * extent. A 10 × 10 grid of points over the extent, each with neighbours at +ε in x and in y
     * (ε = 1/1000 of the extent's smaller side), is mapped to source pixels; where a point lands
     * on the source, ε divided by the distance to each neighbour gives two local resolutions.
     * Outliers (below a tenth of the median, first of x, then of y, then of their mean) are
     * dropped and the finest remaining mean wins. The size is rounded from it, then the pixel
     * size stretched (x and y separately) so that the size covers the extent exactly.
     */
    private static OutputGrid withExtentOnly(int sourceWidth, int sourceHeight, GeoTransform sourceGeoTransform,
            MathTransform sourceToTarget, double[] te, PixelTransform targetToSourcePixel)
            throws ExtentNotTransformableException {
        final int nx = 10, ny = 10;
        double eps = Math.min(te[2] - te[0], Math.abs(te[3] - te[1])) / 1000;
        double[] pts = new double[2 * 3 * nx * ny];
        int k = 0;
        for (int iy = 0; iy < ny; iy++) {
            for (int ix = 0; ix < nx; ix++) {
                double x = te[0] + ix * (te[2] - te[0]) / (nx - 1);
                double y = te[1] + iy * (te[3] - te[1]) / (ny - 1);
                pts[k++] = x;
                pts[k++] = y;
                pts[k++] = ix == nx - 1 ? x - eps : x + eps;
                pts[k++] = y;
                pts[k++] = x;
                pts[k++] = iy == ny - 1 ? y - eps : y + eps;
            }
        }
        double[] src = new double[pts.length];
        targetToSourcePixel.transform(pts, src, 3 * nx * ny);
        java.util.List<double[]> pairs = new java.util.ArrayList<>();
        for (int i = 0; i < src.length; i += 6) {
            if (Double.isNaN(src[i]) || Double.isNaN(src[i + 2]) || Double.isNaN(src[i + 4])
                    || !(src[i] >= 0 && src[i + 1] >= 0 && src[i] <= sourceWidth && src[i + 1] <= sourceHeight)) {
                continue;
            }
            double r1 = eps / Math.hypot(src[i + 2] - src[i], src[i + 3] - src[i + 1]);
            double r2 = eps / Math.hypot(src[i + 4] - src[i], src[i + 5] - src[i + 1]);
            if (Double.isFinite(r1) && Double.isFinite(r2)) {
                pairs.add(new double[] {r1, r2});
            }
        }
        double res = Double.POSITIVE_INFINITY;
        if (!pairs.isEmpty()) {
            pairs.sort(java.util.Comparator.comparingDouble(p -> p[0]));
            double median1 = pairs.get(pairs.size() / 2)[0];
            pairs.removeIf(p -> !(p[0] > median1 / 10));
            pairs.sort(java.util.Comparator.comparingDouble(p -> p[1]));
            if (!pairs.isEmpty()) {
                double median2 = pairs.get(pairs.size() / 2)[1];
                double[] means = pairs.stream().filter(p -> p[1] > median2 / 10).mapToDouble(p -> (p[0] + p[1]) / 2)
                        .sorted().toArray();
                if (means.length > 0) {
                    double median = means[means.length / 2];
                    for (double m : means) {
                        if (m > median / 10) {
                            res = m;
                            break;
                        }
                    }
                }
            }
        }
        double xRes = res, yRes = res;
        if (!Double.isFinite(res)) { // nothing of the extent on the source: the whole source's suggestion
            PixelTransform forward = PixelTransform.sourcePixelToTarget(sourceGeoTransform, sourceToTarget);
            SuggestedOutput.Suggestion s = SuggestedOutput.suggest(sourceWidth, sourceHeight, forward,
                    targetToSourcePixel);
            xRes = s.pixelSizeX();
            yRes = s.pixelSizeY();
        }
        int pixels = Math.max(1, (int) ((te[2] - te[0] + xRes / 2) / xRes));
        int lines = Math.max(1, (int) ((te[3] - te[1] + yRes / 2) / yRes));
        return new OutputGrid(new GeoTransform(te[0], (te[2] - te[0]) / pixels, 0, te[3], 0, -(te[3] - te[1]) / lines),
                pixels, lines);
    }

    private static OutputGrid fromExtent(double minX, double minY, double maxX, double maxY, double xRes, double yRes,
            boolean targetAligned) {
        if (targetAligned) {
            minX = Math.floor(minX / xRes) * xRes;
            maxX = Math.ceil(maxX / xRes) * xRes;
            minY = Math.floor(minY / yRes) * yRes;
            maxY = Math.ceil(maxY / yRes) * yRes;
        }
        int pixels = (int) ((maxX - minX + xRes / 2) / xRes);
        int lines = (int) ((Math.abs(maxY - minY) + yRes / 2) / yRes);
        return new OutputGrid(new GeoTransform(minX, xRes, 0, maxY, 0, -yRes), pixels, lines);
    }

    /** Target CRS extent (minX, minY, maxX, maxY). */
    public double[] extent() {
        GeoTransform g = geoTransform;
        return new double[] {g.originX(), g.originY() + height * g.pixelHeight(), g.originX() + width * g.pixelWidth(),
                g.originY()};
    }
}
