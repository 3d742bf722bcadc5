package dev.cairn.raster.warp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.testing.Gdal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.operation.MathTransform;

/**
 * The warper against gdalwarp (default error threshold, one thread) on the same GDAL-written
 * input and the same grid. The output is always produced in 97×97 windows (not aligned with
 * anything) and assembled, as the warp job does. Bounds: gdalwarp's own exact and approximate
 * modes agree on 97.7–100 % of pixels (nearest) and within 0.64 grey levels (bilinear).
 */
class WarperTest {

    private static final String LCC = "+proj=lcc +lat_1=45 +lat_2=55 +lat_0=50 +lon_0=10 +x_0=0 +y_0=0 +datum=WGS84"
            + " +units=m +no_defs";
    private static final int TILE = 97;

    @TempDir
    Path dir;

    @BeforeAll
    static void gdal() {
        Gdal.assumeInstalled();
    }

    @Test
    void nearestUtmToWgs84AgreesWithExactGdalwarpOnAtLeast97PercentOfPixels() throws Exception {
        Agreement a = utmToWgs84(DataType.UINT8, 1, 0, Resampling.NEAREST, null, false, "-et", "0");
        assertThat(a.identicalShare()).isGreaterThanOrEqualTo(0.97);
        assertFootprint(a);
    }

    @Test
    void nearestAgreesWithDefaultGdalwarpAsWellAsGdalwarpsExactAndDefaultModesAgree() throws Exception {
        // this pattern changes by up to 8 grey levels from pixel to pixel: any shift of the
        // sampling position shows, and gdalwarp's own -et 0 and default outputs differ on ~7 %
        Agreement a = utmToWgs84(DataType.UINT8, 1, 0, Resampling.NEAREST, null, false);
        GdalRasters.Raster gdalDefault = GdalRasters.read(dir.resolve("UINT8_NEAREST_out.tif"), dir, DataType.UINT8);
        GdalRasters.Raster gdalExact = GdalRasters.gdalwarp(dir.resolve("UINT8_NEAREST.tif"), dir, "exact",
                DataType.UINT8, "-t_srs", "EPSG:4326", "-et", "0");
        Agreement gdalSelf = Agreement.of(gdalExact.pixels(), gdalDefault.pixels(), 0, false);
        report("gdalwarp default vs -et 0", gdalSelf);
        assertThat(a.identicalShare()).isGreaterThanOrEqualTo(gdalSelf.identicalShare() - 0.01);
        assertFootprint(a);
    }

    @Test
    void withoutApproximationNearestIsIdenticalToGdalwarpWithoutApproximation() throws Exception {
        Agreement a = utmToWgs84(DataType.UINT8, 1, 0, Resampling.NEAREST, null, true, 0.0, "-et", "0");
        assertThat(a.identicalShare()).isGreaterThanOrEqualTo(0.999);
        assertThat(a.mineValid()).isEqualTo(a.gdalValid());
    }

    @Test
    void bilinearUint8UtmToWgs84IsWithinOneGreyLevelOfGdalwarp() throws Exception {
        Agreement a = utmToWgs84(DataType.UINT8, 1, 0, Resampling.BILINEAR, null, false);
        assertThat(a.meanAbsDiff()).isLessThanOrEqualTo(1.0);
        assertFootprint(a);
    }

    @Test
    void cubicUint8UtmToWgs84IsWithinOneGreyLevelOfGdalwarp() throws Exception {
        Agreement a = utmToWgs84(DataType.UINT8, 1, 0, Resampling.CUBIC, null, false);
        assertThat(a.meanAbsDiff()).isLessThanOrEqualTo(1.0);
        assertFootprint(a);
    }

    @Test
    void averageDownsamplingThreeTimesIsWithinOneGreyLevelOfGdalwarp() throws Exception {
        Agreement a = utmToWgs84(DataType.UINT8, 1, 0, Resampling.AVERAGE, 0.0012, false);
        assertThat(a.meanAbsDiff()).isLessThanOrEqualTo(1.0);
        assertFootprint(a);
    }

    @Test
    void bilinearUint16IsWithinProportionateDifferenceOfGdalwarp() throws Exception {
        // the pattern scaled by 300: one grey level of the 8-bit test is 300 here
        Agreement a = utmToWgs84(DataType.UINT16, 300, 0, Resampling.BILINEAR, null, false);
        assertThat(a.meanAbsDiff()).isLessThanOrEqualTo(300.0);
        assertFootprint(a);
    }

    @Test
    void cubicFloat32IsWithinProportionateDifferenceOfGdalwarp() throws Exception {
        Agreement a = utmToWgs84(DataType.FLOAT32, 0.01, -1, Resampling.CUBIC, null, false);
        assertThat(a.meanAbsDiff()).isLessThanOrEqualTo(0.01);
        assertFootprint(a);
    }

    @Test
    void averageInt16KeepsItsTypeAndAgreesWithGdalwarp() throws Exception {
        Agreement a = utmToWgs84(DataType.INT16, -100, 0, Resampling.AVERAGE, 0.0009, false);
        assertThat(a.meanAbsDiff()).isLessThanOrEqualTo(100.0);
        assertFootprint(a);
    }

    @Test
    void nodataHolesStayNodataAndDoNotBleedIntoBilinearValues() throws Exception {
        Agreement a = utmToWgs84(DataType.UINT8, 1, 0, Resampling.BILINEAR, null, true);
        assertThat(a.meanAbsDiff()).isLessThanOrEqualTo(1.0);
        assertFootprint(a);
    }

    @Test
    void withoutApproximationBilinearCubicAndAverageMatchGdalwarpWithoutApproximation() throws Exception {
        for (Resampling r : List.of(Resampling.BILINEAR, Resampling.CUBIC)) {
            Agreement a = utmToWgs84(DataType.UINT8, 1, 0, r, null, true, 0.0, "-et", "0");
            assertThat(a.identicalShare()).as(r.name()).isGreaterThanOrEqualTo(0.999);
            assertThat(a.mineValid()).isEqualTo(a.gdalValid());
        }
        Agreement avg = utmToWgs84(DataType.UINT8, 1, 0, Resampling.AVERAGE, 0.0009, true, 0.0, "-et", "0");
        assertThat(avg.identicalShare()).isGreaterThanOrEqualTo(0.99);
        assertFootprint(avg);
    }

    @Test
    void nodataHolesWithNearestAndCubicAgreeWithGdalwarp() throws Exception {
        Agreement near = utmToWgs84(DataType.UINT8, 1, 0, Resampling.NEAREST, null, true, "-et", "0");
        assertThat(near.identicalShare()).isGreaterThanOrEqualTo(0.97);
        assertFootprint(near);
        Agreement cubic = utmToWgs84(DataType.UINT8, 1, 0, Resampling.CUBIC, null, true);
        assertThat(cubic.meanAbsDiff()).isLessThanOrEqualTo(1.0);
        assertFootprint(cubic);
    }

    @Test
    void nodataHolesWithAverageAgreeWithGdalwarp() throws Exception {
        Agreement a = utmToWgs84(DataType.UINT8, 1, 0, Resampling.AVERAGE, 0.0009, true);
        assertThat(a.meanAbsDiff()).isLessThanOrEqualTo(1.0);
        assertFootprint(a);
    }

    @Test
    void aThreeBandPixelIsNodataOnlyWhereAllItsBandsAreLikeGdalwarp() throws Exception {
        PixelBuffer px = GdalRasters.patterned(DataType.UINT8, 300, 200, 3, 1, 0);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 300; x++) {
                if (x >= 50 && x < 120 && y >= 40 && y < 100) {
                    px.set(x, y, 0, 0); // band 1 only: still data
                }
                if (x >= 180 && x < 250 && y >= 60 && y < 140) {
                    for (int b = 0; b < 3; b++) {
                        px.set(x, y, b, 0); // all bands: nodata
                    }
                }
            }
        }
        GdalRasters.Input in = GdalRasters.write(dir, "rgbnd", px, "EPSG:32633", 400000, 5300000, 409000, 5294000, 0.0);
        GdalRasters.Raster gdal = GdalRasters.gdalwarp(in.tif(), dir, "rgbnd_out", DataType.UINT8, "-t_srs", "EPSG:4326",
                "-r", "bilinear", "-et", "0");
        MathTransform mt = CrsResolver.operation(CrsResolver.forCode("EPSG:32633"), CrsResolver.forCode("EPSG:4326"))
                .transform();
        OutputGrid grid = OutputGrid.plan(300, 200, in.source().geoTransform(), mt, GridRequest.DEFAULT);
        PixelBuffer mine = warpInTiles(new Warper(in.source(), mt, grid,
                WarpSettings.of(Resampling.BILINEAR).withErrorThreshold(0)));
        Agreement a = Agreement.of(mine, gdal.pixels(), 0, false);
        report("3 bands, partial nodata", a);
        assertThat(a.mineValid()).isEqualTo(a.gdalValid());
        assertThat(a.meanAbsDiff()).isLessThan(0.01);
    }

    @Test
    void threeBandRgbGetsAnAlphaBandLikeGdalwarpDstalpha() throws Exception {
        PixelBuffer px = GdalRasters.patterned(DataType.UINT8, 360, 280, 3, 1, 0);
        GdalRasters.Input in = GdalRasters.write(dir, "rgb", px, "EPSG:32633", 400000, 5300000, 400000 + 360 * 30.0,
                5300000 - 280 * 30.0, null);
        GdalRasters.Raster gdal = GdalRasters.gdalwarp(in.tif(), dir, "rgb_out", DataType.UINT8, "-t_srs", "EPSG:4326",
                "-r", "bilinear", "-dstalpha");
        MathTransform mt = CrsResolver.operation(CrsResolver.forCode("EPSG:32633"), CrsResolver.forCode("EPSG:4326"))
                .transform();
        OutputGrid grid = OutputGrid.plan(360, 280, in.source().geoTransform(), mt, GridRequest.DEFAULT);
        Warper warper = new Warper(in.source(), mt, grid, WarpSettings.of(Resampling.BILINEAR).withAlpha());
        PixelBuffer mine = warpInTiles(warper);
        assertThat(mine.bands()).isEqualTo(4);
        Agreement a = Agreement.of(mine, gdal.pixels(), 0, true);
        report("rgb+alpha bilinear", a);
        assertThat(a.meanAbsDiff()).isLessThanOrEqualTo(1.0);
        assertFootprint(a);
        for (int i = 0; i < mine.width() * mine.height(); i++) {
            assertThat(mine.getAt(i * 4 + 3)).isIn(0.0, 255.0);
        }
    }

    @Test
    void bilinearFromACustomLambertConicToWebMercatorAgreesWithGdalwarp() throws Exception {
        PixelBuffer px = GdalRasters.patterned(DataType.UINT8, 400, 300, 1, 1, 0);
        GdalRasters.Input in = GdalRasters.write(dir, "lcc", px, LCC, -200000, 150000, 200000, -150000, null);
        GdalRasters.Raster gdal = GdalRasters.gdalwarp(in.tif(), dir, "lcc_out", DataType.UINT8, "-t_srs", "EPSG:3857",
                "-r", "bilinear");
        CoordinateReferenceSystem lcc = CrsResolver.fromWkt(GdalRasters.wkt1(LCC));
        MathTransform mt = CrsResolver.operation(lcc, CrsResolver.forCode("EPSG:3857")).transform();
        OutputGrid grid = OutputGrid.plan(400, 300, in.source().geoTransform(), mt, GridRequest.DEFAULT);
        PixelBuffer mine = warpInTiles(new Warper(in.source(), mt, grid, WarpSettings.of(Resampling.BILINEAR)));
        Agreement a = Agreement.of(mine, gdal.pixels(), 0, false);
        report("lcc->3857 bilinear", a);
        assertThat(a.meanAbsDiff()).isLessThanOrEqualTo(1.0);
        assertFootprint(a);
    }

    @Test
    void aWindowNeedingTooManySourcePixelsIsSplitAndGivesTheSamePixels() throws Exception {
        PixelBuffer px = GdalRasters.patterned(DataType.UINT8, 400, 300, 1, 1, 0);
        MemorySource src = new MemorySource(px, new dev.cairn.raster.GeoTransform(400000, 30, 0, 5300000, 0, -30),
                java.util.OptionalDouble.empty());
        MathTransform mt = CrsResolver.operation(CrsResolver.forCode("EPSG:32633"), CrsResolver.forCode("EPSG:4326"))
                .transform();
        OutputGrid grid = OutputGrid.plan(400, 300, src.geoTransform(), mt, GridRequest.resolution(0.003));
        WarpSettings exact = WarpSettings.of(Resampling.AVERAGE).withErrorThreshold(0);
        PixelBuffer whole = new Warper(src, mt, grid, exact).warp(0, 0, grid.width(), grid.height());
        long unbounded = src.largestRead.getAndSet(0);
        PixelBuffer split = new Warper(src, mt, grid, exact.withMaxSourcePixels(5000))
                .warp(0, 0, grid.width(), grid.height());
        assertThat(unbounded).isGreaterThan(5000);
        assertThat(src.largestRead.get()).isLessThanOrEqualTo(5000);
        assertThat((byte[]) split.array()).isEqualTo((byte[]) whole.array());
    }

    // ---------------------------------------------------------------------------------------

    /**
     * A 420×300 UTM 33N raster (30 m) of {@code pattern * scale + offset}, optionally with
     * nodata 0 holes, warped to EPSG:4326 by gdalwarp and by the Warper ({@code tr} = -tr).
     */
    private Agreement utmToWgs84(DataType type, double scale, double offset, Resampling r, Double tr, boolean holes,
            String... gdalArgs) throws Exception {
        return utmToWgs84(type, scale, offset, r, tr, holes, WarpSettings.DEFAULT_ERROR_THRESHOLD, gdalArgs);
    }

    private Agreement utmToWgs84(DataType type, double scale, double offset, Resampling r, Double tr, boolean holes,
            double errorThreshold, String... gdalArgs) throws Exception {
        int w = 420, h = 300;
        PixelBuffer px = GdalRasters.patterned(type, w, h, 1, scale, offset);
        if (holes) {
            punchHoles(px);
        }
        String name = type + "_" + r + (holes ? "_holes" : "") + (tr != null ? "_tr" : "");
        GdalRasters.Input in = GdalRasters.write(dir, name, px, "EPSG:32633", 400000, 5300000, 400000 + w * 30.0,
                5300000 - h * 30.0, holes ? 0.0 : null);
        List<String> args = new ArrayList<>(List.of("-t_srs", "EPSG:4326", "-r", r.gdalName()));
        if (tr != null) {
            args.addAll(List.of("-tr", tr.toString(), tr.toString()));
        }
        args.addAll(List.of(gdalArgs));
        GdalRasters.Raster gdal = GdalRasters.gdalwarp(in.tif(), dir, name + "_out", type, args.toArray(String[]::new));
        MathTransform mt = CrsResolver.operation(CrsResolver.forCode("EPSG:32633"), CrsResolver.forCode("EPSG:4326"))
                .transform();
        OutputGrid grid = OutputGrid.plan(w, h, in.source().geoTransform(), mt,
                tr == null ? GridRequest.DEFAULT : GridRequest.resolution(tr));
        assertThat(grid.width()).isEqualTo(gdal.width());
        assertThat(grid.height()).isEqualTo(gdal.height());
        Warper warper = new Warper(in.source(), mt, grid, WarpSettings.of(r).withErrorThreshold(errorThreshold));
        assertThat(warper.type()).isEqualTo(type);
        PixelBuffer mine = warpInTiles(warper);
        Agreement a = Agreement.of(mine, gdal.pixels(), 0, false);
        report(name, a);
        return a;
    }

    /** Holes of nodata 0: a block, a line, and every 53rd pixel. */
    private static void punchHoles(PixelBuffer px) {
        for (int y = 0; y < px.height(); y++) {
            for (int x = 0; x < px.width(); x++) {
                boolean block = x >= 100 && x < 160 && y >= 80 && y < 150;
                boolean line = y == 220 && x > 30;
                boolean dots = (x * 31 + y * 17) % 53 == 0;
                if (block || line || dots) {
                    px.set(x, y, 0, 0);
                }
            }
        }
    }

    static PixelBuffer warpInTiles(Warper warper) throws Exception {
        OutputGrid g = warper.grid();
        PixelBuffer all = PixelBuffer.allocate(warper.type(), g.width(), g.height(), warper.bands());
        for (int y = 0; y < g.height(); y += TILE) {
            for (int x = 0; x < g.width(); x += TILE) {
                int w = Math.min(TILE, g.width() - x), h = Math.min(TILE, g.height() - y);
                all.copyFrom(warper.warp(x, y, w, h), 0, 0, w, h, x, y);
            }
        }
        return all;
    }

    private static void assertFootprint(Agreement a) {
        assertThat(a.compared()).isGreaterThan(1000);
        assertThat(a.footprintDifference()).as("footprint difference").isLessThanOrEqualTo(0.01);
        assertThat(a.stateMismatchesOffRim()).as("nodata differences away from the 1-pixel rim").isZero();
    }

    private static void report(String what, Agreement a) {
        System.out.printf("%-28s identical %.4f  MAD %.4f  footprint mine %d gdal %d  off-rim %d%n", what,
                a.identicalShare(), a.meanAbsDiff(), a.mineValid(), a.gdalValid(), a.stateMismatchesOffRim());
    }
}
