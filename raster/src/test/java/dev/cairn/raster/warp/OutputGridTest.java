package dev.cairn.raster.warp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.testing.Gdal;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.operation.MathTransform;

/** The output grid (size and geotransform) against gdalwarp's for the same input and options. */
class OutputGridTest {

    private static final String LCC = "+proj=lcc +lat_1=45 +lat_2=55 +lat_0=50 +lon_0=10 +x_0=0 +y_0=0 +datum=WGS84"
            + " +units=m +no_defs";

    @TempDir
    Path dir;

    @BeforeAll
    static void gdal() {
        Gdal.assumeInstalled();
    }

    @Test
    void utm33ToWgs84GridEqualsGdalwarps() throws Exception {
        assertSameGrid("EPSG:32633", crs("EPSG:32633"), 400, 300, 400000, 5300000, 30, "EPSG:4326", GridRequest.DEFAULT);
    }

    @Test
    void wgs84ToWebMercatorGridEqualsGdalwarps() throws Exception {
        assertSameGrid("EPSG:4326", crs("EPSG:4326"), 400, 300, 5, 50, 0.01, "EPSG:3857", GridRequest.DEFAULT);
    }

    @Test
    void longIslandFeetToWgs84GridEqualsGdalwarps() throws Exception {
        assertSameGrid("EPSG:2263", crs("EPSG:2263"), 300, 300, 960000, 230000, 100, "EPSG:4326", GridRequest.DEFAULT);
    }

    @Test
    void theWholeWorldToWebMercatorStopsAtTheLastTransformableLatitude() throws Exception {
        // ±90° do not transform in SIS (PROJ returns huge finite values there, and gdalwarp then
        // suggests a degenerate 66x802 grid reaching y = 2.4e8 m): the edges fail, the interior
        // grid is sampled, and the extent ends at the last sampled row that transforms (81°)
        MathTransform mt = CrsResolver.operation(crs("EPSG:4326"), crs("EPSG:3857")).transform();
        OutputGrid g = OutputGrid.plan(720, 360, new GeoTransform(-180, 0.5, 0, 90, 0, -0.5), mt, GridRequest.DEFAULT);
        double[] e = g.extent();
        assertThat(e[0]).isCloseTo(-20037508.34, within(1.0));
        assertThat(e[2]).isCloseTo(20037508.34, within(g.geoTransform().pixelWidth()));
        assertThat(e[3]).isBetween(1.5e7, 2.0e7); // 81° is 16.2e6 m; the pole is infinitely far
        assertThat(e[1]).isCloseTo(-e[3], within(2 * g.geoTransform().pixelWidth()));
        assertThat(g.width()).isBetween(500, 800);
    }

    @Test
    void customLambertConformalConicToWebMercatorGridEqualsGdalwarps() throws Exception {
        CoordinateReferenceSystem lcc = CrsResolver.fromWkt(GdalRasters.wkt1(LCC));
        assertSameGrid(LCC, lcc, 400, 300, -200000, 150000, 1000, "EPSG:3857", GridRequest.DEFAULT);
    }

    @Test
    void aGivenResolutionGivesGdalwarpsTrGrid() throws Exception {
        assertSameGrid("EPSG:32633", crs("EPSG:32633"), 400, 300, 400000, 5300000, 30, "EPSG:4326",
                GridRequest.resolution(0.0005), "-tr", "0.0005", "0.0005");
    }

    @Test
    void aGivenResolutionWithTargetAlignedPixelsGivesGdalwarpsTapGrid() throws Exception {
        assertSameGrid("EPSG:32633", crs("EPSG:32633"), 400, 300, 400000, 5300000, 30, "EPSG:4326",
                GridRequest.resolution(0.0007).withTargetAlignedPixels(), "-tr", "0.0007", "0.0007", "-tap");
    }

    @Test
    void aGivenExtentGivesGdalwarpsTeGrid() throws Exception {
        assertSameGrid("EPSG:32633", crs("EPSG:32633"), 400, 300, 400000, 5300000, 30, "EPSG:4326",
                GridRequest.DEFAULT.withExtent(13.7, 47.75, 13.85, 47.85), "-te", "13.7", "47.75", "13.85", "47.85");
    }

    @Test
    void aGivenExtentAndResolutionGiveGdalwarpsTeTrGrid() throws Exception {
        assertSameGrid("EPSG:32633", crs("EPSG:32633"), 400, 300, 400000, 5300000, 30, "EPSG:4326",
                GridRequest.resolution(0.0004).withExtent(13.7, 47.75, 13.85, 47.85),
                "-te", "13.7", "47.75", "13.85", "47.85", "-tr", "0.0004", "0.0004");
    }

    static CoordinateReferenceSystem crs(String code) throws Exception {
        return CrsResolver.forCode(code);
    }

    private void assertSameGrid(String srs, CoordinateReferenceSystem srcCrs, int w, int h, double ulx, double uly,
            double res, String target, GridRequest request, String... gdalArgs) throws Exception {
        PixelBuffer px = GdalRasters.patterned(DataType.UINT8, w, h, 1, 1, 0);
        GdalRasters.Input in = GdalRasters.write(dir, "in", px, srs, ulx, uly, ulx + w * res, uly - h * res, null);
        String[] args = new String[gdalArgs.length + 2];
        args[0] = "-t_srs";
        args[1] = target;
        System.arraycopy(gdalArgs, 0, args, 2, gdalArgs.length);
        GdalRasters.Raster gdal = GdalRasters.gdalwarp(in.tif(), dir, "out", DataType.UINT8, args);

        MathTransform mt = CrsResolver.operation(srcCrs, crs(target)).transform();
        OutputGrid mine = OutputGrid.plan(w, h, in.source().geoTransform(), mt, request);

        GeoTransform g = gdal.geoTransform(), m = mine.geoTransform();
        double px1 = Math.abs(g.pixelWidth());
        System.out.printf("%s -> %s: gdal %dx%d %s%n             mine %dx%d %s%n", srs, target, gdal.width(),
                gdal.height(), g, mine.width(), mine.height(), m);
        assertThat(mine.width()).as("width").isEqualTo(gdal.width());
        assertThat(mine.height()).as("height").isEqualTo(gdal.height());
        assertThat(m.originX()).as("origin x").isCloseTo(g.originX(), within(px1 * 1e-3));
        assertThat(m.originY()).as("origin y").isCloseTo(g.originY(), within(px1 * 1e-3));
        assertThat(m.pixelWidth()).as("pixel width").isCloseTo(g.pixelWidth(), within(px1 * 1e-6));
        assertThat(m.pixelHeight()).as("pixel height").isCloseTo(g.pixelHeight(), within(px1 * 1e-6));
        assertThat(m.rotationX()).isZero();
        assertThat(m.rotationY()).isZero();
    }
}
