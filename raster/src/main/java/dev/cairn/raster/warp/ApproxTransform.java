package dev.cairn.raster.warp;

/**
 * GDAL's approximate transformer ({@code GDALApproxTransform}) for one scanline of output
 * pixels: the two ends and the middle are transformed exactly; when the linear interpolation
 * between the ends misses the exact middle by more than {@code maxError} (|dx| + |dy| in
 * source pixels, as gdalwarp measures it; its default is 0.125) each half is treated the same
 * way, recursively; otherwise the points in between are interpolated linearly. Segments of
 * four points or fewer, and segments whose ends or middle fail to transform, are transformed
 * exactly point by point. Points that fail to transform come out as NaN (outside).
 *
 * <pre>
 *   exact:   e0 ................ m ................ e1      error at m = |lerp(e0,e1) − m|
 *   ok:      e0 ─ ─ ─ ─ ─ ─ ─ ─ lerp ─ ─ ─ ─ ─ ─ ─ e1
 *   not ok:  [e0 .. m1 .. m] [m .. m2 .. e1]  (each half again)
 * </pre>
 *
 * <p>One difference from GDAL: see {@link #MIDDLE_SHARE}.
 *
 * <p>Written by hand: SIS offers the same idea only inside its image resampling operation,
 * not as a scanline transform that fills a caller's arrays. This is what makes warping ~30×
 * faster than transforming every pixel; the error bound holds where the transform is smooth
 * at the scale of a segment (everywhere but near singularities such as the poles, where the
 * recursion falls back to exact points).
 *
 * <p>Not thread-safe: holds scratch arrays; cheap to create, one per thread or per window.
 * No allocation per pixel: results go into the caller's arrays.
 */
final class ApproxTransform {

    private final PixelTransform exact;
    private final double maxError;
    private final double[] one = new double[2];
    private double[] in = new double[0];
    private double[] out = new double[0];

    /**
     * The middle of a segment is held to this share of the threshold. GDAL tests the middle
     * against the threshold itself, but the middle is the worst point only for a quadratic error:
     * with higher-order terms a point beside it can be slightly worse (0.1253 px for 0.125 on a
     * polar stereographic case). 0.9 keeps every point of the tested cases within the threshold,
     * at the cost of a few more exact transforms per scanline.
     */
    private static final double MIDDLE_SHARE = 0.9;

    /**
     * @param exact    output pixel/line → source pixel/line
     * @param maxError the largest tolerated interpolation error in source pixels; 0 transforms
     *                 every point exactly
     */
    ApproxTransform(PixelTransform exact, double maxError) {
        this.exact = exact;
        this.maxError = maxError * MIDDLE_SHARE;
    }

    /**
     * Source pixel/line coordinates of the points ({@code x0 + i}, {@code y}) for i in [0, n),
     * into {@code sx[off + i]}, {@code sy[off + i]}; NaN where the transform fails. For output
     * pixel centres pass {@code x0 = col + 0.5}, {@code y = row + 0.5}.
     */
    void scanline(double x0, double y, int n, double[] sx, double[] sy, int off) {
        if (n <= 0) {
            return;
        }
        if (maxError <= 0 || n <= 5) {
            exactRange(x0, y, 0, n, sx, sy, off);
            return;
        }
        int last = n - 1;
        if (!point(x0, y, sx, sy, off) | !point(x0 + last, y, sx, sy, off + last)) {
            exactRange(x0, y, 1, last, sx, sy, off);
            return;
        }
        segment(x0, y, 0, last, sx, sy, off);
    }

    /** Fills the points strictly between i0 and i2, whose ends are already exact and valid. */
    private void segment(double x0, double y, int i0, int i2, double[] sx, double[] sy, int off) {
        int span = i2 - i0;
        if (span < 2) {
            return;
        }
        if (span <= 4) {
            exactRange(x0, y, i0 + 1, i2, sx, sy, off);
            return;
        }
        int im = (i0 + i2) >>> 1;
        if (!exact.transform(x0 + im, y, one)) {
            exactRange(x0, y, i0 + 1, i2, sx, sy, off);
            return;
        }
        double ax = sx[off + i0], ay = sy[off + i0];
        double dx = (sx[off + i2] - ax) / span, dy = (sy[off + i2] - ay) / span;
        double error = Math.abs(ax + dx * (im - i0) - one[0]) + Math.abs(ay + dy * (im - i0) - one[1]);
        if (error > maxError) {
            sx[off + im] = one[0];
            sy[off + im] = one[1];
            segment(x0, y, i0, im, sx, sy, off);
            segment(x0, y, im, i2, sx, sy, off);
            return;
        }
        for (int i = i0 + 1, k = 1; i < i2; i++, k++) {
            sx[off + i] = ax + dx * k;
            sy[off + i] = ay + dy * k;
        }
    }

    private boolean point(double x, double y, double[] sx, double[] sy, int at) {
        boolean ok = exact.transform(x, y, one);
        sx[at] = one[0];
        sy[at] = one[1];
        return ok;
    }

    /** Exact transform of the points [from, to). */
    private void exactRange(double x0, double y, int from, int to, double[] sx, double[] sy, int off) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        if (in.length < 2 * n) {
            in = new double[2 * n];
            out = new double[2 * n];
        }
        for (int i = 0; i < n; i++) {
            in[2 * i] = x0 + from + i;
            in[2 * i + 1] = y;
        }
        exact.transform(in, out, n);
        for (int i = 0; i < n; i++) {
            sx[off + from + i] = out[2 * i];
            sy[off + from + i] = out[2 * i + 1];
        }
    }
}
