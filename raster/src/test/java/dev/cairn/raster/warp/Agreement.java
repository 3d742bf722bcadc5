package dev.cairn.raster.warp;

import dev.cairn.raster.PixelBuffer;

/**
 * How two warps of the same grid agree: footprints (pixels with data), pixels whose data/no-data
 * state differs away from the 1-pixel rim of either footprint (a one-pixel hole is all rim), and on pixels both have data, the share
 * of identical samples and the mean absolute difference. A pixel "has data" when its alpha (last
 * band, when {@code alpha}) is non-zero, else when some data band differs from {@code fill}.
 */
record Agreement(int mineValid, int gdalValid, int stateMismatchesOffRim, double identicalShare, double meanAbsDiff,
        int compared) {

    static Agreement of(PixelBuffer mine, PixelBuffer gdal, double fill, boolean alpha) {
        if (mine.width() != gdal.width() || mine.height() != gdal.height() || mine.bands() != gdal.bands()) {
            throw new AssertionError("different shapes: mine " + mine.width() + "x" + mine.height() + "x" + mine.bands()
                    + ", gdal " + gdal.width() + "x" + gdal.height() + "x" + gdal.bands());
        }
        int w = mine.width(), h = mine.height();
        boolean[] vm = valid(mine, fill, alpha), vg = valid(gdal, fill, alpha);
        int dataBands = alpha ? mine.bands() - 1 : mine.bands();
        int cm = 0, cg = 0, offRim = 0, compared = 0, identical = 0;
        double sumAbs = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                cm += vm[i] ? 1 : 0;
                cg += vg[i] ? 1 : 0;
                if (vm[i] != vg[i] && !onRim(vg, w, h, x, y) && !onRim(vm, w, h, x, y)) {
                    offRim++;
                }
                if (vm[i] && vg[i]) {
                    for (int b = 0; b < dataBands; b++) {
                        double a = mine.get(x, y, b), c = gdal.get(x, y, b);
                        compared++;
                        identical += a == c ? 1 : 0;
                        sumAbs += Math.abs(a - c);
                    }
                }
            }
        }
        return new Agreement(cm, cg, offRim, compared == 0 ? 0 : identical / (double) compared,
                compared == 0 ? Double.NaN : sumAbs / compared, compared);
    }

    /** Relative difference of the footprints. */
    double footprintDifference() {
        return Math.abs(mineValid - gdalValid) / (double) Math.max(1, gdalValid);
    }

    private static boolean[] valid(PixelBuffer p, double fill, boolean alpha) {
        int w = p.width(), h = p.height(), bands = p.bands();
        boolean[] v = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean any = false;
                if (alpha) {
                    any = p.get(x, y, bands - 1) != 0;
                } else {
                    for (int b = 0; b < bands && !any; b++) {
                        any = p.get(x, y, b) != fill;
                    }
                }
                v[y * w + x] = any;
            }
        }
        return v;
    }

    /** True when a neighbour (8-connected) of (x, y) has a different state, or (x, y) is on the grid's edge. */
    private static boolean onRim(boolean[] v, int w, int h, int x, int y) {
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int xx = x + dx, yy = y + dy;
                if (xx < 0 || yy < 0 || xx >= w || yy >= h) {
                    return true;
                }
                if (v[yy * w + xx] != v[y * w + x]) {
                    return true;
                }
            }
        }
        return false;
    }
}
