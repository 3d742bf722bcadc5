package dev.cairn.raster.warp;

import dev.cairn.raster.GeoTransform;
import org.apache.sis.referencing.operation.matrix.Matrix3;
import org.apache.sis.referencing.operation.transform.MathTransforms;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.NoninvertibleTransformException;
import org.opengis.referencing.operation.TransformException;

/**
 * An exact point transform between two pixel or CRS spaces, built as one SIS
 * {@link MathTransform} (affine geotransforms concatenated with the CRS operation), applied to
 * batches of interleaved (x, y) points in place.
 *
 * <p><b>Failures become NaN.</b> SIS transforms a batch point by point, sets a point it cannot
 * transform to NaN and throws at the end; in a concatenated transform that throw skips the
 * later steps for the <em>whole</em> batch. So a batch that throws is redone point by point,
 * each failure being NaN. Results that are not finite count as failures too.
 *
 * <p>Thread-safe (SIS math transforms are immutable).
 */
final class PixelTransform {

    private final MathTransform transform;

    private PixelTransform(MathTransform transform) {
        this.transform = transform;
    }

    /** Wraps an existing 2D transform. */
    static PixelTransform of(MathTransform transform) {
        return new PixelTransform(transform);
    }

    /**
     * Output pixel/line → source pixel/line: {@code target} geotransform, then
     * {@code sourceToTarget} inverted, then the inverse {@code source} geotransform.
     */
    static PixelTransform targetPixelToSourcePixel(GeoTransform target, MathTransform sourceToTarget,
            GeoTransform source) throws NoninvertibleTransformException {
        return new PixelTransform(MathTransforms.concatenate(affine(target), sourceToTarget.inverse(),
                affine(source.inverse())));
    }

    /** Source pixel/line → target CRS coordinates. */
    static PixelTransform sourcePixelToTarget(GeoTransform source, MathTransform sourceToTarget) {
        return new PixelTransform(MathTransforms.concatenate(affine(source), sourceToTarget));
    }

    /** The reverse direction. */
    PixelTransform inverse() throws NoninvertibleTransformException {
        return new PixelTransform(transform.inverse());
    }

    static MathTransform affine(GeoTransform g) {
        return MathTransforms.linear(new Matrix3(
                g.pixelWidth(), g.rotationX(), g.originX(),
                g.rotationY(), g.pixelHeight(), g.originY(),
                0, 0, 1));
    }

    /**
     * Transforms {@code n} interleaved points of {@code src} into {@code dst} (distinct arrays);
     * failures become NaN.
     */
    void transform(double[] src, double[] dst, int n) {
        if (n == 0) {
            return;
        }
        try {
            transform.transform(src, 0, dst, 0, n);
        } catch (TransformException | RuntimeException batchFailed) {
            double[] one = new double[2];
            for (int i = 0; i < 2 * n; i += 2) {
                try {
                    transform.transform(src, i, one, 0, 1);
                    dst[i] = one[0];
                    dst[i + 1] = one[1];
                } catch (TransformException | RuntimeException pointFailed) {
                    dst[i] = Double.NaN;
                    dst[i + 1] = Double.NaN;
                }
            }
        }
        markFailures(dst, n);
    }

    /** One point; returns false (and NaN in {@code dst}) when it fails. */
    boolean transform(double x, double y, double[] dst) {
        dst[0] = x;
        dst[1] = y;
        try {
            transform.transform(dst, 0, dst, 0, 1);
        } catch (TransformException | RuntimeException e) {
            dst[0] = Double.NaN;
            dst[1] = Double.NaN;
            return false;
        }
        if (!Double.isFinite(dst[0]) || !Double.isFinite(dst[1])) {
            dst[0] = Double.NaN;
            dst[1] = Double.NaN;
            return false;
        }
        return true;
    }

    private static void markFailures(double[] xy, int n) {
        for (int i = 0; i < 2 * n; i += 2) {
            if (!Double.isFinite(xy[i]) || !Double.isFinite(xy[i + 1])) {
                xy[i] = Double.NaN;
                xy[i + 1] = Double.NaN;
            }
        }
    }
}
