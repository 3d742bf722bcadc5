package dev.cairn.raster.warp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.raster.GeoTransform;
import org.apache.sis.referencing.operation.transform.AbstractMathTransform2D;
import org.junit.jupiter.api.Test;
import org.opengis.referencing.operation.Matrix;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;

/** The scanline approximation against the exact transform of every pixel centre. */
class ApproxTransformTest {

    @Test
    void utmToWgs84ScanlinesAreWithinAnEighthOfASourcePixelOfExact() throws Exception {
        double err = maxError("EPSG:32633", "EPSG:4326", new GeoTransform(300000, 100, 0, 5500000, 0, -100), 1500, 1500);
        assertThat(err).isLessThanOrEqualTo(0.125);
    }

    @Test
    void arcticLatLonToPolarStereographicScanlinesAreWithinAnEighthOfASourcePixelOfExact() throws Exception {
        // strongly curved: meridians fan out from the pole across the output rows
        double err = maxError("EPSG:4326", "EPSG:3995", new GeoTransform(-30, 0.05, 0, 85, 0, -0.05), 1200, 500);
        assertThat(err).isLessThanOrEqualTo(0.125);
    }

    @Test
    void wgs84ToWebMercatorOverSixtyDegreesOfLatitudeIsWithinAnEighthOfASourcePixelOfExact() throws Exception {
        double err = maxError("EPSG:4326", "EPSG:3857", new GeoTransform(-20, 0.05, 0, 75, 0, -0.05), 1000, 1200);
        assertThat(err).isLessThanOrEqualTo(0.125);
    }

    @Test
    void aLargerThresholdIsUsedAndStillHeld() throws Exception {
        GeoTransform src = new GeoTransform(-30, 0.05, 0, 85, 0, -0.05);
        MathTransform mt = CrsResolver.operation(CrsResolver.forCode("EPSG:4326"), CrsResolver.forCode("EPSG:3995"))
                .transform();
        OutputGrid grid = OutputGrid.plan(1200, 500, src, mt, GridRequest.DEFAULT);
        PixelTransform exact = PixelTransform.targetPixelToSourcePixel(grid.geoTransform(), mt, src);
        double loose = maxError(exact, new ApproxTransform(exact, 2.0), grid);
        assertThat(loose).isLessThanOrEqualTo(2.0).isGreaterThan(0.125); // it interpolates more, within its bound
    }

    @Test
    void pointsThatFailToTransformComeOutAsNaNAndTheOthersExact() {
        PixelTransform failing = PixelTransform.of(new FailingBetween(100, 140));
        ApproxTransform approx = new ApproxTransform(failing, 0.125);
        int n = 400;
        double[] sx = new double[n], sy = new double[n];
        approx.scanline(0.5, 7.5, n, sx, sy, 0);
        for (int i = 0; i < n; i++) {
            double x = i + 0.5;
            if (x >= 100 && x < 140) {
                assertThat(sx[i]).as("x %s", x).isNaN();
                assertThat(sy[i]).isNaN();
            } else {
                assertThat(sx[i]).as("x %s", x).isCloseTo(2 * x + 0.001 * x * x, org.assertj.core.api.Assertions.within(0.125));
                assertThat(sy[i]).isCloseTo(7.5, org.assertj.core.api.Assertions.within(1e-9));
            }
        }
        // a failing end: the whole row is transformed point by point
        PixelTransform failingStart = PixelTransform.of(new FailingBetween(0, 20));
        new ApproxTransform(failingStart, 0.125).scanline(0.5, 3.5, n, sx, sy, 0);
        assertThat(sx[0]).isNaN();
        assertThat(sx[19]).isNaN();
        assertThat(sx[20]).isCloseTo(2 * 20.5 + 0.001 * 20.5 * 20.5, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(sx[n - 1]).isCloseTo(2 * 399.5 + 0.001 * 399.5 * 399.5, org.assertj.core.api.Assertions.within(1e-9));
    }

    private static double maxError(String from, String to, GeoTransform src, int w, int h) throws Exception {
        MathTransform mt = CrsResolver.operation(CrsResolver.forCode(from), CrsResolver.forCode(to)).transform();
        OutputGrid grid = OutputGrid.plan(w, h, src, mt, GridRequest.DEFAULT);
        PixelTransform exact = PixelTransform.targetPixelToSourcePixel(grid.geoTransform(), mt, src);
        return maxError(exact, new ApproxTransform(exact, 0.125), grid);
    }

    /** The largest |dx| + |dy| between approximate and exact source positions over all output pixel centres. */
    private static double maxError(PixelTransform exact, ApproxTransform approx, OutputGrid grid) {
        int w = grid.width();
        double[] ax = new double[w], ay = new double[w], in = new double[2 * w], out = new double[2 * w];
        double max = 0;
        int compared = 0;
        for (int row = 0; row < grid.height(); row += 3) {
            approx.scanline(0.5, row + 0.5, w, ax, ay, 0);
            for (int i = 0; i < w; i++) {
                in[2 * i] = i + 0.5;
                in[2 * i + 1] = row + 0.5;
            }
            exact.transform(in, out, w);
            for (int i = 0; i < w; i++) {
                assertThat(Double.isNaN(ax[i])).isEqualTo(Double.isNaN(out[2 * i]));
                if (!Double.isNaN(ax[i])) {
                    max = Math.max(max, Math.abs(ax[i] - out[2 * i]) + Math.abs(ay[i] - out[2 * i + 1]));
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(10000);
        return max;
    }

    /** (x, y) → (2x + 0.001x², y), failing for x in [from, to). */
    private static final class FailingBetween extends AbstractMathTransform2D {
        private final double from, to;

        FailingBetween(double from, double to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public Matrix transform(double[] src, int srcOff, double[] dst, int dstOff, boolean derivate)
                throws TransformException {
            double x = src[srcOff], y = src[srcOff + 1];
            if (x >= from && x < to) {
                throw new TransformException("outside the domain: " + x);
            }
            if (dst != null) {
                dst[dstOff] = 2 * x + 0.001 * x * x;
                dst[dstOff + 1] = y;
            }
            return null;
        }
    }
}
