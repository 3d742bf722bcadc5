package dev.cairn.raster.tiles;

import dev.cairn.raster.PixelBuffer;

/**
 * 8-bit RGBA pixels, row-major, 4 bytes per pixel: a metatile while it is rendered and reduced,
 * or one tile. Transparent pixels (alpha 0) hold 0 in every channel.
 *
 * <p><b>Reduction</b> ({@link #halve}) is what gdal2tiles does for its overview tiles: every
 * channel, alpha included, on its own — the rounded mean of the 2×2 block for average-type
 * resampling, the block's top-left pixel for nearest — so that the two tools' lower zooms agree.
 *
 * <p>Not thread-safe; each metatile owns its images.
 */
final class RgbaImage {
    final int width;
    final int height;
    final byte[] px;

    RgbaImage(int width, int height) {
        this(width, height, new byte[width * height * 4]);
    }

    RgbaImage(int width, int height, byte[] px) {
        if (px.length != width * height * 4) {
            throw new IllegalArgumentException(width + "x" + height + " RGBA needs " + (width * height * 4)
                    + " bytes, got " + px.length);
        }
        this.width = width;
        this.height = height;
        this.px = px;
    }

    /** How source samples become RGBA: which bands, how scaled, whether one of them is alpha. */
    record BandMap(int[] colour, int sourceAlpha, double min, double max) {
        /** Grey (one band) or red, green, blue (three), 0-based; alpha band index or -1; {@code min == max}: no scaling. */
        BandMap {
            colour = colour.clone();
        }

        boolean scaled() {
            return min != max;
        }
    }

    /**
     * Paints the strip at ({@code x0}, {@code y0}) from a warped strip whose last band is the
     * warper's alpha (255 where a source pixel landed): pixels with data replace what is there
     * (a later source is drawn over an earlier one).
     */
    void paint(PixelBuffer strip, int x0, int y0, BandMap map) {
        int bands = strip.bands();
        int alphaBand = bands - 1;
        boolean grey = map.colour().length == 1;
        int r = map.colour()[0];
        int g = grey ? r : map.colour()[1];
        int b = grey ? r : map.colour()[2];
        int w = strip.width();
        if (strip.array() instanceof byte[] a && !map.scaled()) {
            for (int y = 0; y < strip.height(); y++) {
                int in = y * w * bands;
                int out = ((y0 + y) * width + x0) * 4;
                for (int x = 0; x < w; x++, in += bands, out += 4) {
                    int alpha = a[in + alphaBand] & 0xff;
                    if (alpha == 0) {
                        continue;
                    }
                    if (map.sourceAlpha() >= 0) {
                        alpha = a[in + map.sourceAlpha()] & 0xff;
                        if (alpha == 0) {
                            continue;
                        }
                    }
                    px[out] = a[in + r];
                    px[out + 1] = a[in + g];
                    px[out + 2] = a[in + b];
                    px[out + 3] = (byte) alpha;
                }
            }
            return;
        }
        double scale = map.scaled() ? 255.0 / (map.max() - map.min()) : 1;
        double offset = map.scaled() ? map.min() : 0;
        for (int y = 0; y < strip.height(); y++) {
            int in = y * w * bands;
            int out = ((y0 + y) * width + x0) * 4;
            for (int x = 0; x < w; x++, in += bands, out += 4) {
                if (strip.getAt(in + alphaBand) == 0) {
                    continue;
                }
                int alpha = 255;
                if (map.sourceAlpha() >= 0) {
                    alpha = byteOf(strip.getAt(in + map.sourceAlpha()), scale, offset);
                    if (alpha == 0) {
                        continue;
                    }
                }
                px[out] = (byte) byteOf(strip.getAt(in + r), scale, offset);
                px[out + 1] = (byte) byteOf(strip.getAt(in + g), scale, offset);
                px[out + 2] = (byte) byteOf(strip.getAt(in + b), scale, offset);
                px[out + 3] = (byte) alpha;
            }
        }
    }

    /** {@code (v - offset) * scale}, rounded half up, clamped to 0..255; NaN is 0. */
    private static int byteOf(double v, double scale, double offset) {
        double s = (v - offset) * scale;
        if (!(s > 0)) {
            return 0;
        }
        return s >= 255 ? 255 : (int) (s + 0.5);
    }

    /** Half the width and height (even sizes): the 2×2 reduction of the class comment. */
    RgbaImage halve(boolean nearest) {
        int w = width / 2;
        int h = height / 2;
        RgbaImage out = new RgbaImage(w, h);
        byte[] o = out.px;
        int row = width * 4;
        for (int y = 0; y < h; y++) {
            int top = 2 * y * row;
            int oi = y * w * 4;
            for (int x = 0; x < w; x++, oi += 4) {
                int i = top + 8 * x;
                if (nearest) {
                    System.arraycopy(px, i, o, oi, 4);
                    continue;
                }
                for (int c = 0; c < 4; c++) {
                    int sum = (px[i + c] & 0xff) + (px[i + 4 + c] & 0xff) + (px[i + row + c] & 0xff)
                            + (px[i + row + 4 + c] & 0xff);
                    o[oi + c] = (byte) ((sum + 2) >> 2);
                }
            }
        }
        return out;
    }

    /** The {@code size × size} square at (x, y). */
    RgbaImage crop(int x, int y, int size) {
        RgbaImage out = new RgbaImage(size, size);
        for (int r = 0; r < size; r++) {
            System.arraycopy(px, ((y + r) * width + x) * 4, out.px, r * size * 4, size * 4);
        }
        return out;
    }

    /** Places {@code tile} (may be null: stays transparent) at (x, y). */
    void place(RgbaImage tile, int x, int y) {
        if (tile == null) {
            return;
        }
        for (int r = 0; r < tile.height; r++) {
            System.arraycopy(tile.px, r * tile.width * 4, px, ((y + r) * width + x) * 4, tile.width * 4);
        }
    }

    /** True when every pixel is transparent (such a tile is not written). */
    boolean isEmpty() {
        for (int i = 3; i < px.length; i += 4) {
            if (px[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** True when every pixel is opaque (its PNG needs no alpha channel). */
    boolean isOpaque() {
        for (int i = 3; i < px.length; i += 4) {
            if (px[i] != (byte) 255) {
                return false;
            }
        }
        return true;
    }
}
