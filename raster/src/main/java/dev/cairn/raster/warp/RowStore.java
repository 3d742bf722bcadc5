package dev.cairn.raster.warp;

import dev.cairn.raster.PixelBuffer;

/**
 * Stores one output row computed in {@code double} into a typed {@link PixelBuffer}, only where
 * the kernel found data. Integers are clamped to the type's range, then rounded like GDAL's
 * {@code GWKClampValueT}/{@code GWKRoundValueT} ({@code floor(v + 0.5)}: halves go up, also for
 * negative values, unlike {@link dev.cairn.raster.DataType#clamp}); FLOAT32 is rounded to float.
 * With an alpha band (the last one), valid pixels get 255.
 *
 * <p>One switch on the type per row, none per pixel. Stateless.
 */
final class RowStore {

    private RowStore() {
    }

    /**
     * @param bands data bands in {@code values} (pixel-interleaved, {@code w * bands})
     * @param alpha whether {@code out} has one more band, the alpha
     */
    static void store(PixelBuffer out, int x, int y, int w, double[] values, boolean[] ok, int bands, boolean alpha) {
        int outBands = out.bands();
        int base = out.index(x, y, 0);
        double min = out.type().min(), max = out.type().max();
        switch (out.type()) {
            case UINT8, INT8 -> {
                byte[] a = (byte[]) out.array();
                for (int i = 0; i < w; i++) {
                    if (ok[i]) {
                        int o = base + i * outBands;
                        for (int b = 0; b < bands; b++) {
                            a[o + b] = (byte) round(values[i * bands + b], min, max);
                        }
                        if (alpha) {
                            a[o + bands] = (byte) 255;
                        }
                    }
                }
            }
            case UINT16, INT16 -> {
                short[] a = (short[]) out.array();
                for (int i = 0; i < w; i++) {
                    if (ok[i]) {
                        int o = base + i * outBands;
                        for (int b = 0; b < bands; b++) {
                            a[o + b] = (short) round(values[i * bands + b], min, max);
                        }
                        if (alpha) {
                            a[o + bands] = (short) 255;
                        }
                    }
                }
            }
            case UINT32, INT32 -> {
                int[] a = (int[]) out.array();
                for (int i = 0; i < w; i++) {
                    if (ok[i]) {
                        int o = base + i * outBands;
                        for (int b = 0; b < bands; b++) {
                            a[o + b] = (int) round(values[i * bands + b], min, max);
                        }
                        if (alpha) {
                            a[o + bands] = 255;
                        }
                    }
                }
            }
            case FLOAT32 -> {
                float[] a = (float[]) out.array();
                for (int i = 0; i < w; i++) {
                    if (ok[i]) {
                        int o = base + i * outBands;
                        for (int b = 0; b < bands; b++) {
                            a[o + b] = (float) values[i * bands + b];
                        }
                        if (alpha) {
                            a[o + bands] = 255;
                        }
                    }
                }
            }
            case FLOAT64 -> {
                double[] a = (double[]) out.array();
                for (int i = 0; i < w; i++) {
                    if (ok[i]) {
                        int o = base + i * outBands;
                        System.arraycopy(values, i * bands, a, o, bands);
                        if (alpha) {
                            a[o + bands] = 255;
                        }
                    }
                }
            }
        }
    }

    /** Clamp, then floor(v + 0.5); the long's low bits are the stored (possibly unsigned) value. */
    private static long round(double v, double min, double max) {
        if (v != v) {
            return 0;
        }
        return (long) Math.floor((v < min ? min : (v > max ? max : v)) + 0.5);
    }
}
