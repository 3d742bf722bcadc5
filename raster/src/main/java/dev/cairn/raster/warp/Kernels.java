package dev.cairn.raster.warp;

/**
 * The resampling kernels, one output row at a time, as GDAL's warp kernel computes them
 * ({@code GWKNearest*}, {@code GWKBilinearResample4Sample}, {@code GWKCubicResample4Sample},
 * {@code GWKAverageOrMode}). Coordinates are absolute source pixel/line positions (corner of
 * pixel (0,0) at (0,0)), NaN for points that failed to transform.
 *
 * <p>Which output pixels get data (nearest, bilinear, cubic): exactly those whose centre falls
 * in a source pixel that is inside the image and has data in some band
 * ({@code GWKCheckAndComputeSrcOffsets} plus the unified validity mask); the neighbours only
 * weigh in. Bilinear weights are renormalised, band by band, over the neighbours that are inside
 * the image and have data in that band; cubic needs all 16 for the band and falls back to
 * bilinear for it otherwise (edges, holes). A band with no contributor keeps the nodata value.
 * When the output is coarser than the source by more than 5 % along an axis, bilinear and
 * cubic use GDAL's stretched filter instead ({@link #scaled}). Average takes the bounding box, in source
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
                for (int b = 0, k = p * bands, o = i * bands; b < bands; b++) {
                    out[o + b] = src[k + b];
                }
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
        boolean any = false;
        for (int b = 0; b < bands; b++) {
            any |= bilinearBand(s, lx, ly, rx, ry, b, out, o);
        }
        return any;
    }

    /**
     * One band of the 4-sample bilinear, weights renormalised over the neighbours inside the
     * window (= the image) that have data in this band; false (and the nodata value) when none.
     */
    private static boolean bilinearBand(SourceWindow s, int lx, int ly, double rx, double ry, int b, double[] out, int o) {
        int bands = s.bands, sw = s.width;
        double[] src = s.samples;
        double div = 0, acc = 0;
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
                int p = yy * sw + xx, k = p * bands + b;
                if (s.valid != null && (!s.valid[p] || s.perBand && !s.sampleValid(k))) {
                    continue;
                }
                double wgt = (dx == 0 ? 1 - rx : rx) * wy;
                div += wgt;
                acc += src[k] * wgt;
            }
        }
        if (div < 0.00001) {
            out[o + b] = s.nodata();
            return false;
        }
        out[o + b] = div == 1.0 ? acc : acc / div;
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
            double rx = fx - flx, ry = fy - fly;
            int o = i * bands;
            if (lx < 1 || ly < 1 || lx + 2 >= sw || ly + 2 >= s.height) {
                ok[i] = bilinearAt(s, x, y, out, o);
                continue;
            }
            weights(rx, cx);
            weights(ry, cy);
            boolean any = false;
            for (int b = 0; b < bands; b++) {
                if (!allValid(s, lx - 1, ly - 1, b)) {
                    any |= bilinearBand(s, lx, ly, rx, ry, b, out, o);
                    continue;
                }
                double acc = 0;
                int p = ((ly - 1) * sw + lx - 1) * bands + b;
                for (int r = 0; r < 4; r++, p += sw * bands) {
                    acc += cy[r] * (cx[0] * src[p] + cx[1] * src[p + bands] + cx[2] * src[p + 2 * bands]
                            + cx[3] * src[p + 3 * bands]);
                }
                out[o + b] = acc;
                any = true;
            }
            ok[i] = any;
        }
    }

    /** Whether the 4×4 pixels from (lx, ly) all have data in band b. */
    private static boolean allValid(SourceWindow s, int lx, int ly, int b) {
        if (s.valid == null) {
            return true;
        }
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                int p = (ly + r) * s.width + lx + c;
                if (!s.valid[p] || s.perBand && !s.sampleValid(p * s.bands + b)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * GDAL's general resampler ({@code GWKResample}) for bilinear and cubic when the output is
     * coarser than the source by more than 5 % along an axis ({@code scale} &lt; 0.95: output
     * pixels per source pixel): the filter is stretched by 1/scale along that axis (radius
     * ceil(r / scale) taps each side), so every source pixel under the output pixel weighs in
     * (antialiasing). Weights are renormalised, band by band, over the taps inside the window (=
     * the image) that have data.
     */
    static void scaled(SourceWindow s, int imageW, int imageH, double[] sx, double[] sy, int off, int w, double[] out,
            boolean[] ok, boolean cubic, double xScale, double yScale) {
        int filter = cubic ? 2 : 1;
        int xRadius = radius(filter, xScale), yRadius = radius(filter, yScale);
        int xInit = ((filter + 1) % 2) - xRadius, yInit = ((filter + 1) % 2) - yRadius;
        double[] wx = new double[xRadius - xInit + 1], wy = new double[yRadius - yInit + 1];
        int bands = s.bands, sw = s.width;
        double[] src = s.samples;
        for (int i = 0; i < w; i++) {
            double x = sx[off + i], y = sy[off + i];
            if (centre(s, x, y, imageW, imageH) < 0) {
                ok[i] = false;
                continue;
            }
            double flx = Math.floor(x - 0.5), fly = Math.floor(y - 0.5);
            double dx = x - 0.5 - flx, dy = y - 0.5 - fly;
            int lx = (int) flx - s.x0, ly = (int) fly - s.y0;
            int iMin = Math.max(xInit, -lx), iMax = Math.min(xRadius, sw - 1 - lx);
            int jMin = Math.max(yInit, -ly), jMax = Math.min(yRadius, s.height - 1 - ly);
            for (int t = iMin; t <= iMax; t++) {
                wx[t - xInit] = weight(cubic, xScale < 1 ? (t - dx) * xScale : t - dx);
            }
            for (int t = jMin; t <= jMax; t++) {
                wy[t - yInit] = weight(cubic, yScale < 1 ? (t - dy) * yScale : t - dy);
            }
            int o = i * bands;
            boolean any = false;
            for (int b = 0; b < bands; b++) {
                double acc = 0, total = 0;
                for (int j = jMin; j <= jMax; j++) {
                    double rowAcc = 0, rowW = 0;
                    int p = (ly + j) * sw + lx + iMin;
                    for (int t = iMin; t <= iMax; t++, p++) {
                        int k = p * bands + b;
                        if (s.valid != null && (!s.valid[p] || s.perBand && !s.sampleValid(k))) {
                            continue;
                        }
                        double wgt = wx[t - xInit];
                        rowAcc += src[k] * wgt;
                        rowW += wgt;
                    }
                    double w1 = wy[j - yInit];
                    acc += rowAcc * w1;
                    total += rowW * w1;
                }
                if (total < 0.000001) {
                    out[o + b] = s.nodata();
                    continue;
                }
                out[o + b] = total < 0.99999 || total > 1.00001 ? acc / total : acc;
                any = true;
            }
            ok[i] = any;
        }
    }

    /** Taps each side of the centre: the filter's radius, stretched by 1/scale when scale &lt; 1. */
    static int radius(int filter, double scale) {
        return scale < 1 ? (int) Math.ceil(filter / scale) : filter;
    }

    /** GDAL's bilinear tent or Keys' cubic (a = −0.5) at distance t. */
    private static double weight(boolean cubic, double t) {
        double a = Math.abs(t);
        if (!cubic) {
            return a <= 1 ? 1 - a : 0;
        }
        if (a <= 1) {
            return t * t * (1.5 * a - 2.5) + 1;
        }
        return a <= 2 ? t * t * (-0.5 * a + 2.5) - 4 * a + 2 : 0;
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
        double[] total = new double[bands], acc = new double[bands];
        for (int i = 0; i < w; i++) {
            ok[i] = false;
            if (!averageBox(cx[row * stride + i], cy[row * stride + i], cx[(row + 1) * stride + i + 1],
                    cy[(row + 1) * stride + i + 1], imageW, imageH, mx, my, box)) {
                continue;
            }
            int ixMin = (int) box[0], iyMin = (int) box[1], ixMax = (int) box[2], iyMax = (int) box[3];
            double xMin = box[4], yMin = box[5], xMax = box[6], yMax = box[7];
            int o = i * bands;
            // Each source pixel's weight once for all bands; per band the sums run over the pixels
            // in the same order as GDAL's per-band loop, so the results are the same doubles.
            java.util.Arrays.fill(total, 0);
            java.util.Arrays.fill(acc, 0);
            for (int iy = iyMin; iy < iyMax; iy++) {
                double wy = edgeWeight(iy, iyMin, iyMax, yMin, yMax);
                int ly = iy - s.y0;
                for (int ix = ixMin; ix < ixMax; ix++) {
                    int p = ly * s.width + ix - s.x0;
                    if (s.valid != null && !s.valid[p]) {
                        continue;
                    }
                    double wgt = wy * edgeWeight(ix, ixMin, ixMax, xMin, xMax);
                    for (int b = 0, k = p * bands; b < bands; b++, k++) {
                        if (s.perBand && s.valid != null && !s.sampleValid(k)) {
                            continue;
                        }
                        total[b] += wgt;
                        acc[b] += src[k] * wgt;
                    }
                }
            }
            for (int b = 0; b < bands; b++) {
                if (total[b] > 0) {
                    out[o + b] = acc[b] / total[b];
                    ok[i] = true;
                } else {
                    out[o + b] = s.nodata();
                }
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
