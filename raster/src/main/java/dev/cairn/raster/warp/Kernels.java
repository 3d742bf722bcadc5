package dev.cairn.raster.warp;

/**
 * The resampling kernels, one output row at a time, as GDAL's warp kernel computes them
 * ({@code GWKNearest*}, {@code GWKBilinearResample4Sample}, {@code GWKCubicResample4Sample},
 * {@code GWKAverageOrMode}). Coordinates are absolute source pixel/line positions (corner of
 * pixel (0,0) at (0,0)), NaN for points that failed to transform.
 *
 * <p>Which output pixels get data (nearest, bilinear, cubic): exactly those whose centre falls
 * in a source pixel that is inside the image and valid ({@code GWKCheckAndComputeSrcOffsets}
 * plus the unified validity mask); the neighbours only weigh in. Bilinear weights are
 * renormalised over the neighbours that are inside the image and valid; cubic needs all 16 and
 * falls back to bilinear otherwise (edges, holes). Average takes the bounding box, in source
 * pixels, of the output pixel's top-left and bottom-right corners and weighs each source pixel
 * by its overlap with that box (clamped to [0, 1]; GDAL lets an edge weight exceed 1 where the
 * box leaves the image).
 *
 * <p>The source window always extends to the kernel's full reach or to the image edge, so
 * "outside the window" means "outside the image". Loops over primitive arrays, no allocation.
 * Stateless.
 */
final class Kernels {

    private static final double EPS = 1e-10;

    private Kernels() {
    }

    /** The local pixel index of the centre (x, y), or -1 when it is outside the image or invalid. */
    private static int centre(SourceWindow s, double x, double y, int imageW, int imageH) {
        if (!(x >= 0 && y >= 0) || x + EPS > imageW || y + EPS > imageH) {
            return -1;
        }
        int ix = (int) (x + EPS) - s.x0, iy = (int) (y + EPS) - s.y0;
        if (ix < 0 || iy < 0 || ix >= s.width || iy >= s.height) {
            return -1;
        }
        int p = iy * s.width + ix;
        return s.valid != null && !s.valid[p] ? -1 : p;
    }

    static void nearest(SourceWindow s, int imageW, int imageH, double[] sx, double[] sy, int off, int w,
            double[] out, boolean[] ok) {
        int bands = s.bands;
        double[] src = s.samples;
        for (int i = 0; i < w; i++) {
            int p = centre(s, sx[off + i], sy[off + i], imageW, imageH);
            ok[i] = p >= 0;
            if (p >= 0) {
                System.arraycopy(src, p * bands, out, i * bands, bands);
            }
        }
    }

    static void bilinear(SourceWindow s, int imageW, int imageH, double[] sx, double[] sy, int off, int w,
            double[] out, boolean[] ok) {
        for (int i = 0; i < w; i++) {
            double x = sx[off + i], y = sy[off + i];
            ok[i] = centre(s, x, y, imageW, imageH) >= 0 && bilinearAt(s, x, y, out, i * s.bands);
        }
    }

    /** GDAL's 4-sample bilinear at (x, y); false when no neighbour weighs (all nodata). */
    private static boolean bilinearAt(SourceWindow s, double x, double y, double[] out, int o) {
        int bands = s.bands, sw = s.width;
        double fx = x - 0.5, fy = y - 0.5;
        double flx = Math.floor(fx), fly = Math.floor(fy);
        int lx = (int) flx - s.x0, ly = (int) fly - s.y0;
        double rx = fx - flx, ry = fy - fly;
        double[] src = s.samples;
        if (lx >= 0 && ly >= 0 && lx + 1 < sw && ly + 1 < s.height && s.valid == null) {
            int a = (ly * sw + lx) * bands, c = a + sw * bands;
            double w00 = (1 - rx) * (1 - ry), w01 = rx * (1 - ry), w10 = (1 - rx) * ry, w11 = rx * ry;
            for (int b = 0; b < bands; b++) {
                out[o + b] = src[a + b] * w00 + src[a + bands + b] * w01 + src[c + b] * w10 + src[c + bands + b] * w11;
            }
            return true;
        }
        double div = 0;
        for (int b = 0; b < bands; b++) {
            out[o + b] = 0;
        }
        for (int dy = 0; dy < 2; dy++) {
            int yy = ly + dy;
            if (yy < 0 || yy >= s.height) {
                continue;
            }
            double wy = dy == 0 ? 1 - ry : ry;
            for (int dx = 0; dx < 2; dx++) {
                int xx = lx + dx;
                if (xx < 0 || xx >= sw) {
                    continue;
                }
                int p = yy * sw + xx;
                if (s.valid != null && !s.valid[p]) {
                    continue;
                }
                double wgt = (dx == 0 ? 1 - rx : rx) * wy;
                div += wgt;
                for (int b = 0; b < bands; b++) {
                    out[o + b] += src[p * bands + b] * wgt;
                }
            }
        }
        if (div < 0.00001) {
            return false;
        }
        if (div != 1.0) {
            for (int b = 0; b < bands; b++) {
                out[o + b] /= div;
            }
        }
        return true;
    }

    static void cubic(SourceWindow s, int imageW, int imageH, double[] sx, double[] sy, int off, int w,
            double[] out, boolean[] ok) {
        int bands = s.bands, sw = s.width;
        double[] src = s.samples;
        double[] cx = new double[4], cy = new double[4];
        for (int i = 0; i < w; i++) {
            double x = sx[off + i], y = sy[off + i];
            if (centre(s, x, y, imageW, imageH) < 0) {
                ok[i] = false;
                continue;
            }
            double fx = x - 0.5, fy = y - 0.5;
            double flx = Math.floor(fx), fly = Math.floor(fy);
            int lx = (int) flx - s.x0, ly = (int) fly - s.y0;
            if (lx < 1 || ly < 1 || lx + 2 >= sw || ly + 2 >= s.height || !allValid(s, lx - 1, ly - 1)) {
                ok[i] = bilinearAt(s, x, y, out, i * bands);
                continue;
            }
            weights(fx - flx, cx);
            weights(fy - fly, cy);
            int o = i * bands;
            for (int b = 0; b < bands; b++) {
                double acc = 0;
                int p = ((ly - 1) * sw + lx - 1) * bands + b;
                for (int r = 0; r < 4; r++, p += sw * bands) {
                    acc += cy[r] * (cx[0] * src[p] + cx[1] * src[p + bands] + cx[2] * src[p + 2 * bands]
                            + cx[3] * src[p + 3 * bands]);
                }
                out[o + b] = acc;
            }
            ok[i] = true;
        }
    }

    private static boolean allValid(SourceWindow s, int lx, int ly) {
        if (s.valid == null) {
            return true;
        }
        for (int r = 0; r < 4; r++) {
            int p = (ly + r) * s.width + lx;
            if (!s.valid[p] || !s.valid[p + 1] || !s.valid[p + 2] || !s.valid[p + 3]) {
                return false;
            }
        }
        return true;
    }

    /** Keys' cubic convolution weights (a = −0.5) for the 4 taps around fractional offset t. */
    static void weights(double t, double[] c) {
        double half = 0.5 * t, halfSq = half * t;
        c[0] = half * (-1 + t * (2 - t));
        c[1] = 1 + halfSq * (-5 + 3 * t);
        c[2] = half * (1 + t * (4 - 3 * t));
        c[3] = halfSq * (-1 + t);
    }

    /**
     * Average for output row {@code row}: corners in {@code cx/cy} as a (w + 1) × (rows + 1)
     * grid, pixel i uses corners (i, row) and (i + 1, row + 1).
     */
    static void average(SourceWindow s, int imageW, int imageH, int mx, int my, double[] cx, double[] cy, int row,
            int w, double[] out, boolean[] ok) {
        int bands = s.bands, stride = w + 1;
        double[] src = s.samples;
        double[] box = new double[8];
        for (int i = 0; i < w; i++) {
            ok[i] = false;
            if (!averageBox(cx[row * stride + i], cy[row * stride + i], cx[(row + 1) * stride + i + 1],
                    cy[(row + 1) * stride + i + 1], imageW, imageH, mx, my, box)) {
                continue;
            }
            int ixMin = (int) box[0], iyMin = (int) box[1], ixMax = (int) box[2], iyMax = (int) box[3];
            double xMin = box[4], yMin = box[5], xMax = box[6], yMax = box[7];
            int o = i * bands;
            for (int b = 0; b < bands; b++) {
                out[o + b] = 0;
            }
            double total = 0;
            for (int iy = iyMin; iy < iyMax; iy++) {
                double wy = edgeWeight(iy, iyMin, iyMax, yMin, yMax);
                int ly = iy - s.y0;
                for (int ix = ixMin; ix < ixMax; ix++) {
                    int p = ly * s.width + ix - s.x0;
                    if (s.valid != null && !s.valid[p]) {
                        continue;
                    }
                    double wgt = wy * edgeWeight(ix, ixMin, ixMax, xMin, xMax);
                    total += wgt;
                    for (int b = 0; b < bands; b++) {
                        out[o + b] += src[p * bands + b] * wgt;
                    }
                }
            }
            if (total > 0) {
                for (int b = 0; b < bands; b++) {
                    out[o + b] /= total;
                }
                ok[i] = true;
            }
        }
    }

    /**
     * The source pixels [ixMin, ixMax) × [iyMin, iyMax) an average over the box with corners
     * (x1, y1), (x2, y2) reads, into {@code box} with the box itself (xMin, yMin, xMax, yMax)
     * after them; false when a corner failed, lies more than {@code mx}/{@code my} pixels outside
     * the image (GDAL: twice the downsampling factor, at least 2), or the box misses the image.
     */
    static boolean averageBox(double x1, double y1, double x2, double y2, int imageW, int imageH, int mx, int my,
            double[] box) {
        if (!(x1 >= -mx && x2 >= -mx && y1 >= -my && y2 >= -my && x1 <= imageW + mx && x2 <= imageW + mx
                && y1 <= imageH + my && y2 <= imageH + my)) {
            return false; // NaN fails too
        }
        double xMin = Math.min(x1, x2), xMax = Math.max(x1, x2);
        double yMin = Math.min(y1, y2), yMax = Math.max(y1, y2);
        if (!(xMax > -EPS && xMin < imageW + EPS && yMax > -EPS && yMin < imageH + EPS)) {
            return false;
        }
        int ixMin = Math.max((int) Math.floor(xMin + EPS), 0), ixMax = Math.min((int) Math.ceil(xMax - EPS), imageW);
        int iyMin = Math.max((int) Math.floor(yMin + EPS), 0), iyMax = Math.min((int) Math.ceil(yMax - EPS), imageH);
        if (ixMin == ixMax && ixMax < imageW) {
            ixMax++;
        }
        if (iyMin == iyMax && iyMax < imageH) {
            iyMax++;
        }
        if (ixMin >= ixMax || iyMin >= iyMax) {
            return false;
        }
        box[0] = ixMin;
        box[1] = iyMin;
        box[2] = ixMax;
        box[3] = iyMax;
        box[4] = xMin;
        box[5] = yMin;
        box[6] = xMax;
        box[7] = yMax;
        return true;
    }

    /** GDAL's COMPUTE_WEIGHT: the part of pixel k in [lo, hi) covered by [min, max], clamped to [0, 1]. */
    private static double edgeWeight(int k, int kMin, int kMax, double min, double max) {
        double wgt;
        if (k == kMin) {
            wgt = kMin + 1 == kMax ? 1.0 : 1 - (min - kMin);
        } else if (k + 1 == kMax) {
            wgt = 1 - (kMax - max);
        } else {
            return 1.0;
        }
        return wgt < 0 ? 0 : (wgt > 1 ? 1 : wgt);
    }
}
