package dev.cairn.raster.warp;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import java.util.OptionalDouble;

/**
 * The source pixels one output window needs, widened to {@code double} once so that every kernel
 * is one loop over one primitive array whatever the data type (exact for every type: 32-bit
 * integers fit a double), with the validity of each pixel.
 *
 * <p>Validity follows gdalwarp's default ({@code UNIFIED_SRC_NODATA=PARTIAL}): a pixel is nodata
 * when <em>all</em> its bands equal the nodata value (compared in the source type: a FLOAT32
 * nodata is rounded to float first; a NaN nodata matches NaN); in a pixel that has data, a band
 * equal to the nodata value still does not contribute to that band's interpolation
 * ({@link #perBand}, {@link #sampleValid}). {@link #valid} is null when every pixel is valid.
 *
 * <p>Not thread-safe; belongs to one window on one thread.
 */
final class SourceWindow {

    /** Position and size in the source image. */
    final int x0, y0, width, height, bands;
    /** Pixel-interleaved samples: index (y * width + x) * bands + band. */
    final double[] samples;
    /** Per pixel (y * width + x): true when it has data; null when all have. */
    final boolean[] valid;
    /** True when some pixel with data has a band equal to the nodata value. */
    final boolean perBand;
    private final double nodata;
    private final boolean nanNodata;

    private SourceWindow(int x0, int y0, int width, int height, int bands, double[] samples, boolean[] valid,
            boolean perBand, double nodata) {
        this.x0 = x0;
        this.y0 = y0;
        this.width = width;
        this.height = height;
        this.bands = bands;
        this.samples = samples;
        this.valid = valid;
        this.perBand = perBand;
        this.nodata = nodata;
        this.nanNodata = Double.isNaN(nodata);
    }

    /** Whether sample {@code i} (of {@link #samples}) is not the nodata value. */
    boolean sampleValid(int i) {
        return nanNodata ? !Double.isNaN(samples[i]) : samples[i] != nodata;
    }

    /** The nodata value (meaningful when {@link #valid} is not null). */
    double nodata() {
        return nodata;
    }

    static SourceWindow of(PixelBuffer p, int x0, int y0, OptionalDouble nodata) {
        double[] s = widen(p);
        boolean[] valid = null;
        boolean perBand = false;
        double nd = Double.NaN;
        if (nodata.isPresent()) {
            nd = p.type() == DataType.FLOAT32 ? (float) nodata.getAsDouble() : nodata.getAsDouble();
            boolean nan = Double.isNaN(nd);
            int bands = p.bands(), n = p.width() * p.height();
            valid = new boolean[n];
            boolean any = false;
            for (int i = 0, k = 0; i < n; i++, k += bands) {
                int count = 0;
                for (int b = 0; b < bands; b++) {
                    double x = s[k + b];
                    if (nan ? !Double.isNaN(x) : x != nd) {
                        count++;
                    }
                }
                valid[i] = count > 0;
                any |= count < bands;
                perBand |= count > 0 && count < bands;
            }
            if (!any) {
                valid = null;
            }
        }
        return new SourceWindow(x0, y0, p.width(), p.height(), p.bands(), s, valid, perBand, nd);
    }

    private static double[] widen(PixelBuffer p) {
        int n = p.sampleCount();
        double[] d = new double[n];
        switch (p.type()) {
            case UINT8 -> {
                byte[] a = (byte[]) p.array();
                for (int i = 0; i < n; i++) {
                    d[i] = a[i] & 0xFF;
                }
            }
            case INT8 -> {
                byte[] a = (byte[]) p.array();
                for (int i = 0; i < n; i++) {
                    d[i] = a[i];
                }
            }
            case UINT16 -> {
                short[] a = (short[]) p.array();
                for (int i = 0; i < n; i++) {
                    d[i] = a[i] & 0xFFFF;
                }
            }
            case INT16 -> {
                short[] a = (short[]) p.array();
                for (int i = 0; i < n; i++) {
                    d[i] = a[i];
                }
            }
            case UINT32 -> {
                int[] a = (int[]) p.array();
                for (int i = 0; i < n; i++) {
                    d[i] = a[i] & 0xFFFFFFFFL;
                }
            }
            case INT32 -> {
                int[] a = (int[]) p.array();
                for (int i = 0; i < n; i++) {
                    d[i] = a[i];
                }
            }
            case FLOAT32 -> {
                float[] a = (float[]) p.array();
                for (int i = 0; i < n; i++) {
                    d[i] = a[i];
                }
            }
            case FLOAT64 -> System.arraycopy(p.array(), 0, d, 0, n);
        }
        return d;
    }
}
