package dev.cairn.raster.warp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.opengis.referencing.operation.MathTransform;

/** The Warper's contract without GDAL: threads, windows, fill values, refusals. */
class WarperContractTest {

    private static final GeoTransform UTM = new GeoTransform(400000, 30, 0, 5300000, 0, -30);

    @Test
    void windowsWarpedOnFourThreadsAreTheSameAsOnOne() throws Exception {
        MemorySource src = source(DataType.UINT8, 1, OptionalDouble.empty());
        MathTransform mt = utmToWgs84();
        OutputGrid grid = OutputGrid.plan(src.width(), src.height(), UTM, mt, GridRequest.DEFAULT);
        Warper warper = new Warper(src, mt, grid, WarpSettings.of(Resampling.CUBIC));
        PixelBuffer sequential = WarperTest.warpInTiles(warper);
        PixelBuffer parallel = PixelBuffer.allocate(DataType.UINT8, grid.width(), grid.height(), 1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int y = 0; y < grid.height(); y += 64) {
                for (int x = 0; x < grid.width(); x += 64) {
                    int x0 = x, y0 = y, w = Math.min(64, grid.width() - x), h = Math.min(64, grid.height() - y);
                    jobs.add(pool.submit(() -> {
                        PixelBuffer p = warper.warp(x0, y0, w, h);
                        synchronized (parallel) {
                            parallel.copyFrom(p, 0, 0, w, h, x0, y0);
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // windows of 64 and 97 cut scanlines differently: same pixels within the approximation
        Agreement a = Agreement.of(parallel, sequential, 0, false);
        assertThat(a.stateMismatchesOffRim()).isZero();
        assertThat(a.footprintDifference()).isLessThan(0.001);
        assertThat(a.meanAbsDiff()).isLessThan(0.05);
        PixelBuffer again = PixelBuffer.allocate(DataType.UINT8, grid.width(), grid.height(), 1);
        for (int y = 0; y < grid.height(); y += 64) {
            for (int x = 0; x < grid.width(); x += 64) {
                int w = Math.min(64, grid.width() - x), h = Math.min(64, grid.height() - y);
                again.copyFrom(warper.warp(x, y, w, h), 0, 0, w, h, x, y);
            }
        }
        assertThat((byte[]) parallel.array()).isEqualTo((byte[]) again.array());
    }

    @Test
    void aWindowOffTheSourceIsAllNodataAndAlphaZero() throws Exception {
        MemorySource src = source(DataType.UINT8, 3, OptionalDouble.of(255));
        MathTransform mt = utmToWgs84();
        // an extent reaching far east of the source
        OutputGrid grid = OutputGrid.plan(src.width(), src.height(), UTM, mt,
                GridRequest.resolution(0.001).withExtent(13.6, 47.7, 14.6, 47.9));
        Warper warper = new Warper(src, mt, grid, WarpSettings.of(Resampling.BILINEAR).withAlpha());
        assertThat(warper.bands()).isEqualTo(4);
        assertThat(warper.nodata()).hasValue(255);
        PixelBuffer east = warper.warp(grid.width() - 50, 0, 50, 50);
        for (int i = 0; i < 50 * 50; i++) {
            assertThat(east.getAt(4 * i)).isEqualTo(255);
            assertThat(east.getAt(4 * i + 2)).isEqualTo(255);
            assertThat(east.getAt(4 * i + 3)).isZero();
        }
        PixelBuffer west = warper.warp(60, 50, 20, 20);
        assertThat(west.get(10, 10, 3)).isEqualTo(255);
        assertThat(west.get(10, 10, 0)).isBetween(38.0, 218.0);
    }

    @Test
    void aWindowOutsideTheGridIsRefused() throws Exception {
        MemorySource src = source(DataType.UINT8, 1, OptionalDouble.empty());
        OutputGrid grid = OutputGrid.plan(src.width(), src.height(), UTM, utmToWgs84(), GridRequest.DEFAULT);
        Warper warper = new Warper(src, utmToWgs84(), grid, WarpSettings.of(Resampling.NEAREST));
        assertThatThrownBy(() -> warper.warp(grid.width() - 10, 0, 11, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not inside");
    }

    @Test
    void aSixteenBitSourceGetsAnAlphaBandOfItsOwnTypeZeroOutsideAndTwoFiftyFiveInside() throws Exception {
        MemorySource src = source(DataType.UINT16, 1, OptionalDouble.empty());
        OutputGrid grid = OutputGrid.plan(src.width(), src.height(), UTM, utmToWgs84(), GridRequest.DEFAULT);
        Warper warper = new Warper(src, utmToWgs84(), grid, WarpSettings.of(Resampling.NEAREST).withAlpha());
        PixelBuffer out = warper.warp(0, 0, grid.width(), grid.height());
        assertThat(out.type()).isEqualTo(DataType.UINT16);
        assertThat(out.bands()).isEqualTo(2);
        // the UTM square is a rotated quadrilateral in degrees: its grid's corners lie outside it
        assertThat(out.get(0, 0, 1)).isZero();
        assertThat(out.get(grid.width() / 2, grid.height() / 2, 1)).isEqualTo(255);
    }

    @Test
    void integerResultsRoundHalfUpLikeGdal() {
        PixelBuffer out = PixelBuffer.allocate(DataType.INT16, 4, 1, 1);
        RowStore.store(out, 0, 0, 4, new double[] {-2.5, 2.5, 40000, -0.49}, new boolean[] {true, true, true, true}, 1,
                false);
        assertThat(out.get(0, 0, 0)).isEqualTo(-2); // floor(v + 0.5), not half away from zero
        assertThat(out.get(1, 0, 0)).isEqualTo(3);
        assertThat(out.get(2, 0, 0)).isEqualTo(32767);
        assertThat(out.get(3, 0, 0)).isEqualTo(0);
    }

    private static MemorySource source(DataType type, int bands, OptionalDouble nodata) {
        return new MemorySource(GdalRasters.patterned(type, 300, 200, bands, 1, 0), UTM, nodata);
    }

    private static MathTransform utmToWgs84() throws Exception {
        return CrsResolver.operation(CrsResolver.forCode("EPSG:32633"), CrsResolver.forCode("EPSG:4326")).transform();
    }
}
