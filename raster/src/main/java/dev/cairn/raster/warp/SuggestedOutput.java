package dev.cairn.raster.warp;

/**
 * GDAL's {@code GDALSuggestedWarpOutput2}: the extent and square pixel size that gdalwarp
 * chooses by default.
 *
 * <ol>
 *   <li>Sample the four edges of the source, {@code n + 1} points each, n = min(w, h) / 50
 *       clamped to [20, 100], and transform them to the target CRS.</li>
 *   <li>If any fails, or does not transform back to within w/n, h/n pixels of where it started,
 *       sample a (n + 1)² grid over the whole image instead (the transformable part of a
 *       polar or world image is often not bounded by its edges).</li>
 *   <li>Bounds of the valid points; along each sampled row, where validity or the sign of x
 *       changes between two neighbours, bisect (16 steps) to push the bound to the edge of the
 *       valid area or the sign change (the anti-meridian of a geographic target).</li>
 *   <li>Pixel size = (distance between the transformed top-left and bottom-right corners) /
 *       (source diagonal in pixels): the output has about as many pixels along that diagonal as
 *       the source. Size = extent / pixel size, rounded.</li>
 *   <li>If the right column (bottom row) of the output lies wholly outside what transforms back,
 *       shrink the pixel width (height) by up to one pixel's worth so that it does not.</li>
 * </ol>
 *
 * The anti-meridian fix-up of GDAL (a first valid longitude of exactly ±180 taken with the sign
 * of the others) is kept. Not ported: gdalwarp's retry with {@code CHECK_WITH_INVERT_PROJ} when
 * the output corners do not transform back (rare: projections used far outside their domain).
 *
 * <p>Stateless; thread-safe.
 */
final class SuggestedOutput {

    /** The suggested extent (minX, minY, maxX, maxY), pixel sizes and size. */
    record Suggestion(double minX, double minY, double maxX, double maxY, double pixelSizeX, double pixelSizeY,
            int pixels, int lines) {
    }

    private SuggestedOutput() {
    }

    static Suggestion suggest(int width, int height, PixelTransform forward, PixelTransform inverse)
            throws ExtentNotTransformableException {
        int steps = (int) (Math.min(width, height) / 50.0 + 0.5);
        steps = Math.min(Math.max(steps, 20), 100);
        double step = 1.0 / steps;
        int perEdge = steps + 1;
        int gridMax = perEdge * perEdge;
        double[] in = new double[2 * gridMax];
        double[] xy = new double[2 * gridMax];
        for (int i = 0; i <= steps; i++) {
            double r = i == steps ? 1.0 : i * step;
            set(in, i, r * width, 0);                       // top
            set(in, perEdge + i, r * width, height);        // bottom
            set(in, 2 * perEdge + i, 0, r * height);        // left
            set(in, 3 * perEdge + i, width, r * height);    // right
        }
        int samples = 4 * perEdge;
        forward.transform(in, xy, samples);
        int failed = 0;
        for (int i = 0; i < samples; i++) {
            if (Double.isNaN(xy[2 * i])) {
                failed++;
            }
        }
        fixAntimeridianSign(xy, samples, inverse);

        if (failed == 0) {
            double[] back = new double[2 * samples];
            inverse.transform(xy, back, samples);
            for (int i = 0; i < samples && failed == 0; i++) {
                if (Double.isNaN(back[2 * i])) {
                    failed++;
                    break;
                }
                double r = (i % perEdge) * step;
                if (r > 0.99) {
                    r = 1.0;
                }
                double ex, ey;
                if (i < perEdge) {
                    ex = r * width;
                    ey = 0;
                } else if (i < 2 * perEdge) {
                    ex = r * width;
                    ey = height;
                } else if (i < 3 * perEdge) {
                    ex = 0;
                    ey = r * height;
                } else {
                    ex = width;
                    ey = r * height;
                }
                if (Math.abs(back[2 * i] - ex) > width / (double) steps
                        || Math.abs(back[2 * i + 1] - ey) > height / (double) steps) {
                    failed++;
                }
            }
        }
        if (failed > 0) {
            samples = 0;
            for (int i = 0; i <= steps; i++) {
                double r = i == steps ? 1.0 : i * step;
                for (int j = 0; j <= steps; j++) {
                    double r2 = j == steps ? 1.0 : j * step;
                    set(in, samples++, r2 * width, r * height);
                }
            }
            forward.transform(in, xy, samples);
        }

        Bounds b = new Bounds();
        failed = 0;
        double[] one = new double[2];
        for (int i = 0; i < samples; i++) {
            int xi, yi;
            if (samples == gridMax) {
                xi = i % perEdge;
                yi = i / perEdge;
            } else if (i < 2 * perEdge) {
                xi = i % perEdge;
                yi = i < perEdge ? 0 : steps;
            } else {
                xi = 0;
                yi = 0;
            }
            boolean ok = !Double.isNaN(xy[2 * i]);
            if (xi > 0 && (ok || !Double.isNaN(xy[2 * i - 2]))) {
                bisect(xy[2 * i - 2], xy[2 * i], (xi - 1) * (double) width / steps, xi * (double) width / steps,
                        yi * (double) height / steps, forward, b, one);
            }
            if (!ok) {
                failed++;
                continue;
            }
            b.add(xy[2 * i], xy[2 * i + 1]);
        }
        if (failed > samples - 10) {
            throw new ExtentNotTransformableException(failed + " of " + samples + " sample points of the "
                    + width + "x" + height + " source do not transform to the target CRS: its extent cannot be"
                    + " computed there. Choose a target CRS that covers the source's area, or give --target-extent.");
        }

        double dx = 0, dy = 0;
        if (!Double.isNaN(xy[0]) && !Double.isNaN(xy[2 * samples - 2])) {
            dx = xy[2 * samples - 2] - xy[0];
            dy = xy[2 * samples - 1] - xy[1];
        }
        if (dx == 0 || dy == 0) {
            dx = b.maxX - b.minX;
            dy = b.maxY - b.minY;
        }
        double pixelSize = Math.sqrt(dx * dx + dy * dy) / Math.sqrt((double) width * width + (double) height * height);
        double pixelsD = (b.maxX - b.minX) / pixelSize;
        double linesD = (b.maxY - b.minY) / pixelSize;
        if (pixelsD > Integer.MAX_VALUE - 1 || linesD > Integer.MAX_VALUE - 1) {
            throw new ExtentNotTransformableException("The output would be " + Math.round(pixelsD) + "x"
                    + Math.round(linesD) + " pixels: the source's extent is degenerate in the target CRS.");
        }
        int pixels = (int) (pixelsD + 0.5);
        int lines = (int) (linesD + 0.5);
        double sizeX = pixelSize, sizeY = pixelSize;
        double[] ratios = {0.000, 0.001, 0.010, 0.100, 1.000};
        for (double r : ratios) {
            double tryX = sizeX - sizeX * r / pixels;
            if (!rightBorderOutside(b.minX + pixels * tryX, b.maxY, lines, tryX, sizeY, forward, inverse)) {
                sizeX = tryX;
                break;
            }
        }
        for (double r : ratios) {
            double tryY = sizeY - sizeY * r / lines;
            if (!bottomBorderOutside(b.minX, b.maxY - lines * tryY, pixels, sizeX, tryY, forward, inverse)) {
                sizeY = tryY;
                break;
            }
        }
        return new Suggestion(b.minX, b.maxY - lines * sizeY, b.minX + pixels * sizeX, b.maxY, sizeX, sizeY,
                pixels, lines);
    }

    /** GDAL's fix for a first valid x of ±180 with the opposite sign of all the others (ticket 7243). */
    private static void fixAntimeridianSign(double[] xy, int n, PixelTransform inverse) {
        final int uninit = -2, invalid = 0;
        int sign = uninit;
        for (int i = 0; i < n; i++) {
            double x = xy[2 * i];
            if (Double.isNaN(x)) {
                continue;
            }
            if (sign == 1 || sign == -1) {
                if (!((sign * x > 0 && sign * x <= 180) || Math.abs(x - sign * -180.0) < 1e-8)) {
                    sign = invalid;
                }
            } else if (sign == uninit) {
                for (int s = -1; s <= 1; s += 2) {
                    if ((s * x > 0 && s * x <= 180) || Math.abs(x - s * -180.0) < 1e-8) {
                        sign = s;
                        break;
                    }
                }
                if (sign == uninit) {
                    sign = invalid;
                }
            }
        }
        if (sign != 1 && sign != -1) {
            return;
        }
        double[] a = new double[2], c = new double[2];
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(xy[2 * i]) && Math.abs(xy[2 * i] - sign * -180.0) < 1e-8
                    && inverse.transform(sign * -180.0, xy[2 * i + 1], a) && inverse.transform(sign * 180.0, xy[2 * i + 1], c)
                    && Math.abs(a[0] - c[0]) < 1e-8 && Math.abs(a[1] - c[1]) < 1e-8) {
                xy[2 * i] = sign * 180.0;
            }
        }
    }

    /** GDAL's bisection between two neighbouring samples of a row where validity or the sign of x changes. */
    private static void bisect(double outBefore, double outAfter, double inBefore, double inAfter, double y,
            PixelTransform forward, Bounds b, double[] one) {
        boolean validBefore = !Double.isNaN(outBefore), validAfter = !Double.isNaN(outAfter);
        for (int iter = 0; (!validBefore || !validAfter || outBefore * outAfter < 0) && iter < 16; iter++) {
            double mid = (inBefore + inAfter) / 2;
            if (!forward.transform(mid, y, one)) {
                if (!validBefore) {
                    inBefore = mid;
                } else if (!validAfter) {
                    inAfter = mid;
                } else {
                    break;
                }
            } else {
                b.add(one[0], one[1]);
                if (!validBefore || outBefore * one[0] < 0) {
                    validAfter = true;
                    inAfter = mid;
                    outAfter = one[0];
                } else {
                    validBefore = true;
                    outBefore = one[0];
                    inBefore = mid;
                }
            }
        }
    }

    /** True when none of 21 points of the output's right column round-trips through the source. */
    private static boolean rightBorderOutside(double maxX, double maxY, int lines, double sizeX, double sizeY,
            PixelTransform forward, PixelTransform inverse) {
        double[] pts = new double[42];
        for (int i = 0; i <= 20; i++) {
            pts[2 * i] = maxX;
            pts[2 * i + 1] = maxY - sizeY * ratio(i) * lines;
        }
        return allMissed(pts, sizeX, sizeY, forward, inverse);
    }

    private static boolean bottomBorderOutside(double minX, double minY, int pixels, double sizeX, double sizeY,
            PixelTransform forward, PixelTransform inverse) {
        double[] pts = new double[42];
        for (int i = 0; i <= 20; i++) {
            pts[2 * i] = minX + sizeX * ratio(i) * pixels;
            pts[2 * i + 1] = minY;
        }
        return allMissed(pts, sizeX, sizeY, forward, inverse);
    }

    private static double ratio(int i) {
        return i == 20 ? 1.0 : i * 0.05;
    }

    private static boolean allMissed(double[] pts, double sizeX, double sizeY, PixelTransform forward,
            PixelTransform inverse) {
        double[] src = new double[42], back = new double[42];
        inverse.transform(pts, src, 21);
        forward.transform(src, back, 21);
        int bad = 0;
        for (int i = 0; i <= 20; i++) {
            // a point that fails either way is outside (GDAL's failed points come back infinite)
            double bx = back[2 * i], by = back[2 * i + 1];
            if (Double.isNaN(bx) || Math.abs(bx - pts[2 * i]) > sizeX || Math.abs(by - pts[2 * i + 1]) > sizeY) {
                bad++;
            }
        }
        return bad == 21;
    }

    private static void set(double[] a, int i, double x, double y) {
        a[2 * i] = x;
        a[2 * i + 1] = y;
    }

    private static final class Bounds {
        double minX = Double.NaN, minY, maxX, maxY;

        void add(double x, double y) {
            if (Double.isNaN(minX)) {
                minX = maxX = x;
                minY = maxY = y;
            } else {
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
        }
    }
}
