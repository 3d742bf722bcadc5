package dev.cairn.raster.cog;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;

/**
 * GDAL's overview kernels (gcore/overview.cpp of GDAL 3.6, {@code GDALResampleChunk32R_Near}
 * and {@code _Average}) for one destination tile, reproduced operation for operation so that the
 * result equals {@code gdaladdo}'s bit for bit:
 *
 * <ul>
 *   <li>Ratios are {@code srcSize / dstSize} per axis, so a level whose source has an odd size is
 *       not a 2×2 reduction: destination pixel i covers source {@code [i·r, (i+1)·r)}, up to 3
 *       pixels, the partly covered edge pixels weighted by their covered fraction.</li>
 *   <li>Working type: uint8 and uint16 are averaged as integers and rounded half up;
 *       <b>every other type is converted to float32 first</b> (GDAL 3.6 averages float64 in
 *       float32, losing precision, and int32 above 2^24 too) and the float result is rounded half
 *       away from zero into integer types.</li>
 *   <li>An exact 2×2 window without nodata takes GDAL's fast path: integers
 *       {@code (a+b+c+d+2)/4}; floats summed in float32, {@code ((a+c)+(b+d))·0.25f} for the
 *       pixels GDAL's SSE2 code handles four at a time from the start of its processing chunk (a
 *       whole row), {@code (((a+b)+c)+d)·0.25f} for the remaining 0–3 at the row's end. The
 *       commonest case — uint8, no nodata, a level below of even width and height — runs on its
 *       own loop over the byte arrays ({@code halveUint8}); the others pixel by pixel.</li>
 *   <li>Nodata: invalid pixels are left out of sums and weights; a pixel with no valid source is
 *       nodata; a mean that happens to equal nodata is nudged to GDAL's replacement value
 *       (nodata+1, or nodata-1 at the type's maximum, or nodata·(1+1e-7) for floats).</li>
 * </ul>
 *
 * <p>Verified against GDAL 3.6 (gdaladdo and the COG driver agree with it at every level); later
 * GDAL versions changed the working type of float64 and may differ in the last bits. int8 is
 * averaged as a signed type in float32 (GDAL 3.6 has no int8 type and averages such bytes as
 * unsigned), untested against GDAL. Immutable; thread-safe.
 */
final class OverviewResampler {
    private final DataType type;
    private final int bands;
    private final int srcW, srcH, dstW, dstH;
    private final double rx, ry;
    private final Resampling resampling;
    private final boolean intWork;
    private final boolean hasNodata;
    private final double nodata;
    private final float nodataF;
    private final double replacement;
    private final boolean halvesUint8;

    OverviewResampler(CogLayout layout, int level, Resampling resampling) {
        this.type = layout.type();
        this.bands = layout.bands();
        this.srcW = layout.width(level - 1);
        this.srcH = layout.height(level - 1);
        this.dstW = layout.width(level);
        this.dstH = layout.height(level);
        this.rx = (double) srcW / dstW;
        this.ry = (double) srcH / dstH;
        this.resampling = resampling;
        this.intWork = type == DataType.UINT8 || type == DataType.UINT16;
        this.hasNodata = layout.nodata().isPresent();
        this.nodata = hasNodata ? type.clamp(layout.nodata().getAsDouble()) : 0;
        this.nodataF = (float) nodata;
        this.replacement = replacementFor(type, nodataF);
        this.halvesUint8 = type == DataType.UINT8 && resampling == Resampling.AVERAGE && !hasNodata
                && srcW == 2 * dstW && srcH == 2 * dstH;
    }

    int srcX0(int dx) {
        return resampling == Resampling.NEAREST ? near(dx, rx) : avgOff(dx, rx);
    }

    /** Exclusive end of the source columns destination column dx reads. */
    int srcX1(int dx) {
        return resampling == Resampling.NEAREST ? near(dx, rx) + 1 : avgOff2(dx, rx, srcW);
    }

    int srcY0(int dy) {
        return resampling == Resampling.NEAREST ? near(dy, ry) : avgOff(dy, ry);
    }

    int srcY1(int dy) {
        return resampling == Resampling.NEAREST ? near(dy, ry) + 1 : avgOff2(dy, ry, srcH);
    }

    private static int near(int i, double r) {
        return (int) (0.5 + i * r);
    }

    private static int avgOff(int i, double r) {
        return Math.max(0, (int) (i * r + 1e-8));
    }

    private static int avgOff2(int i, double r, int limit) {
        int off = avgOff(i, r);
        int off2 = (int) Math.ceil((i + 1) * r - 1e-8);
        if (off2 == off) {
            off2++;
        }
        return Math.min(off2, limit);
    }

    /**
     * Fills destination pixels {@code [dx0, dx1) × [dy0, dy1)} of the level into {@code dst} at
     * {@code (dx - dstOffX, dy - dstOffY)}, reading the level below from {@code src}, whose pixel
     * (0,0) is source pixel {@code (srcOffX, srcOffY)}.
     */
    void resample(PixelBuffer src, int srcOffX, int srcOffY, PixelBuffer dst, int dstOffX, int dstOffY,
            int dx0, int dx1, int dy0, int dy1) {
        if (halvesUint8) {
            halveUint8(src, srcOffX, srcOffY, dst, dstOffX, dstOffY, dx0, dx1, dy0, dy1);
        } else {
            resampleEachPixel(src, srcOffX, srcOffY, dst, dstOffX, dstOffY, dx0, dx1, dy0, dy1);
        }
    }

    /**
     * The common case on its own loop over the byte arrays: uint8, AVERAGE, no nodata, a level
     * below of even width and height, so destination pixel (x, y) is the mean of source pixels
     * (2x..2x+1, 2y..2y+1), GDAL's integer fast path {@code (a+b+c+d+2)/4}. Same numbers as
     * {@link #resampleEachPixel}, without its per-sample type switch and double arithmetic.
     */
    private void halveUint8(PixelBuffer src, int srcOffX, int srcOffY, PixelBuffer dst, int dstOffX, int dstOffY,
            int dx0, int dx1, int dy0, int dy1) {
        byte[] s = (byte[]) src.array();
        byte[] d = (byte[]) dst.array();
        int rowStride = src.width() * bands;
        int pixelStride = 2 * bands;
        for (int dy = dy0; dy < dy1; dy++) {
            int top = src.index(2 * dx0 - srcOffX, 2 * dy - srcOffY, 0);
            int out = dst.index(dx0 - dstOffX, dy - dstOffY, 0);
            for (int dx = dx0; dx < dx1; dx++) {
                for (int b = 0; b < bands; b++) {
                    int i = top + b;
                    int j = i + rowStride;
                    int sum = (s[i] & 0xFF) + (s[i + bands] & 0xFF) + (s[j] & 0xFF) + (s[j + bands] & 0xFF);
                    d[out + b] = (byte) ((sum + 2) >>> 2);
                }
                top += pixelStride;
                out += bands;
            }
        }
    }

    /** {@link #resample} pixel by pixel, for every type, kernel and nodata setting. */
    void resampleEachPixel(PixelBuffer src, int srcOffX, int srcOffY, PixelBuffer dst, int dstOffX, int dstOffY,
            int dx0, int dx1, int dy0, int dy1) {
        for (int dy = dy0; dy < dy1; dy++) {
            for (int dx = dx0; dx < dx1; dx++) {
                int out = dst.index(dx - dstOffX, dy - dstOffY, 0);
                if (resampling == Resampling.NEAREST) {
                    int in = src.index(near(dx, rx) - srcOffX, near(dy, ry) - srcOffY, 0);
                    for (int b = 0; b < bands; b++) {
                        dst.setAt(out + b, src.getAt(in + b));
                    }
                } else {
                    for (int b = 0; b < bands; b++) {
                        dst.setAt(out + b, average(src, srcOffX, srcOffY, dx, dy, b));
                    }
                }
            }
        }
    }

    private double value(PixelBuffer src, int x, int y, int b) {
        double v = src.getAt(src.index(x, y, b));
        return intWork ? v : (float) v;
    }

    private boolean valid(PixelBuffer src, int x, int y, int b) {
        double v = src.getAt(src.index(x, y, b));
        return Double.isNaN(nodata) ? !Double.isNaN(v) : v != nodata;
    }

    private double average(PixelBuffer src, int ox, int oy, int dx, int dy, int b) {
        int x0 = avgOff(dx, rx), x1 = avgOff2(dx, rx, srcW);
        int y0 = avgOff(dy, ry), y1 = avgOff2(dy, ry, srcH);
        if (!hasNodata && srcW == 2 * dstW && y1 == y0 + 2) {
            return fastPath(src, x0 - ox, y0 - oy, dx, b);
        }
        double dfX0 = dx * rx, dfX2 = (dx + 1) * rx;
        double dfY0 = dy * ry, dfY2 = (dy + 1) * ry;
        double leftW = x1 == x0 + 1 ? 1.0 : 1 - (dfX0 - x0);
        double rightW = 1 - (x1 - dfX2);
        double bottomW = y1 == y0 + 1 ? 1.0 : 1.0 - (dfY0 - y0);
        double topW = 1.0 - (y1 - dfY2);
        x0 -= ox;
        x1 -= ox;
        y0 -= oy;
        y1 -= oy;
        double total = 0, totalWeight = 0;
        if (!hasNodata) {
            double fullLine = leftW;
            if (x0 + 1 < x1) {
                fullLine += x1 - x0 - 2;
                fullLine += rightW;
            }
            double fullColumn = bottomW;
            if (y0 + 1 < y1) {
                fullColumn += y1 - y0 - 2;
                fullColumn += topW;
            }
            int counterY = y1 - y0 - 1;
            double wy = bottomW;
            for (int y = y0; ; y++) {
                double line = value(src, x0, y, b) * leftW;
                if (x0 + 1 < x1) {
                    for (int x = x0 + 1; x + 1 < x1; x++) {
                        line += value(src, x, y, b);
                    }
                    line += value(src, x1 - 1, y, b) * rightW;
                }
                total += line * wy;
                if (--counterY < 0) {
                    break;
                }
                wy = counterY == 0 ? topW : 1.0;
            }
            totalWeight = fullLine * fullColumn;
        } else {
            int count = 0;
            for (int y = y0; y < y1; y++) {
                double line = 0, lineWeight = 0;
                if (valid(src, x0, y, b)) {
                    count++;
                    lineWeight = leftW;
                    line = value(src, x0, y, b) * leftW;
                }
                if (x0 + 1 < x1) {
                    for (int x = x0 + 1; x + 1 < x1; x++) {
                        if (valid(src, x, y, b)) {
                            count++;
                            lineWeight += 1;
                            line += value(src, x, y, b);
                        }
                    }
                    if (valid(src, x1 - 1, y, b)) {
                        count++;
                        lineWeight += rightW;
                        line += value(src, x1 - 1, y, b) * rightW;
                    }
                }
                double wy = y == y0 ? bottomW : (y + 1 == y1 ? topW : 1.0);
                total += line * wy;
                totalWeight += lineWeight * wy;
            }
            if (count == 0) {
                return nodata;
            }
        }
        if (intWork) {
            int v = (int) (total / totalWeight + 0.5);
            return hasNodata && v == (int) nodata ? replacement : v;
        }
        float f = (float) (total / totalWeight);
        return hasNodata && f == nodataF ? replacement : f;
    }

    private double fastPath(PixelBuffer src, int x, int y, int dx, int b) {
        double a = value(src, x, y, b), bb = value(src, x + 1, y, b);
        double c = value(src, x, y + 1, b), d = value(src, x + 1, y + 1, b);
        if (intWork) {
            return ((long) a + (long) bb + (long) c + (long) d + 2) / 4;
        }
        float fa = (float) a, fb = (float) bb, fc = (float) c, fd = (float) d;
        boolean simdGroup = dx < (dstW & ~3);
        float sum = simdGroup ? (fa + fc) + (fb + fd) : ((fa + fb) + fc) + fd;
        return sum * 0.25f;
    }

    /** GDAL's GetReplacementValueIfNoData, for the overview's data type. */
    private static double replacementFor(DataType type, float nd) {
        switch (type) {
            case UINT8:
                return nd == 255 ? 254 : nd + 1;
            case UINT16:
                return nd == 65535 ? 65534 : nd + 1;
            case INT16:
                return nd == 32767 ? 32766 : nd + 1;
            case UINT32:
            case INT32: {
                float r = nd + 1;
                double v = nd;
                double limit = type == DataType.UINT32 ? 4294967295.0 - 128 : Integer.MAX_VALUE - 64.0;
                double step = r >= limit ? -1.0 : 1.0;
                while (r == nd) {
                    v += step;
                    r = (float) v;
                }
                return r;
            }
            case FLOAT32:
            case FLOAT64:
                return nd == 0 ? Float.MIN_NORMAL : (float) (nd + 1e-7 * nd);
            default:
                return 0;
        }
    }
}
