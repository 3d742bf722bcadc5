package dev.cairn.raster.tiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.raster.GeoKeyDirectory;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.testing.Gdal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.crs.AbstractCRS;
import org.apache.sis.referencing.cs.AxesConvention;
import org.apache.sis.referencing.datum.DatumOrEnsemble;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.crs.GeographicCRS;
import org.opengis.referencing.crs.ProjectedCRS;
import org.opengis.referencing.datum.Ellipsoid;
import org.opengis.referencing.operation.MathTransform;

/**
 * GeoTransform, nodata and CRS of GDAL-written files, against GDAL: the geotransform against
 * {@code gdalinfo -json}, the CRS by projecting three pixel positions back to the CRS's own
 * geographic base with our CRS (Apache SIS) and with GDAL ({@code gdaltransform}, PROJ), which
 * checks projection method, parameters, ellipsoid and linear unit at once, without any datum shift.
 */
class GeoTiffGeoreferencingTest {
    @TempDir
    Path dir;

    @BeforeEach
    void gdal() {
        Gdal.assumeInstalled();
    }

    private Path create(String srs, String ullr, String... extra) throws Exception {
        Path tif = dir.resolve("geo.tif");
        List<String> cmd = new ArrayList<>(List.of("gdal_create", "-of", "GTiff", "-outsize", "200", "100", "-bands", "1",
                "-ot", "Byte", "-burn", "7", "-a_srs", srs, "-a_ullr"));
        cmd.addAll(List.of(ullr.split(" ")));
        cmd.addAll(List.of(extra));
        cmd.add(tif.toString());
        Gdal.run(cmd.toArray(String[]::new));
        return tif;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "EPSG:32633;                 500000 5000000 520000 4990000",
        "EPSG:4326;                  8.5 47.3 9.5 46.8",
        "EPSG:2263;                  980000 200000 1000000 190000",
        "EPSG:3413;                  -200000 -2000000 0 -2100000",
        "+proj=tmerc +lat_0=10 +lon_0=-73.5 +k=0.9995 +x_0=304800 +y_0=0 +ellps=intl +units=m;  300000 1000000 320000 990000",
        "+proj=tmerc +lat_0=10 +lon_0=-73.5 +k=0.9995 +x_0=304800 +y_0=0 +ellps=intl +units=us-ft;  900000 3300000 960000 3270000",
        "+proj=lcc +lat_1=45 +lat_2=49 +lat_0=44 +lon_0=3 +x_0=700000 +y_0=6600000 +ellps=GRS80 +units=m;  700000 6700000 720000 6690000",
        "+proj=lcc +lat_1=41.0333333333333 +lat_2=40.6666666666667 +lat_0=40.1666666666667 +lon_0=-74 +x_0=300000 +y_0=0 +datum=NAD83 +units=us-ft;  980000 200000 1000000 190000",
        "+proj=lcc +lat_1=46.8 +lat_0=46.8 +lon_0=2.337229 +k_0=0.99987742 +x_0=600000 +y_0=2200000 +ellps=clrk80 +units=m;  600000 2200000 620000 2190000",
        "+proj=aea +lat_1=29.5 +lat_2=45.5 +lat_0=23 +lon_0=-96 +x_0=0 +y_0=0 +datum=NAD83 +units=m;  100000 2000000 120000 1990000",
        "+proj=merc +lon_0=100 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m;  200000 1000000 220000 990000",
        "+proj=merc +lon_0=100 +lat_ts=30 +x_0=0 +y_0=0 +datum=WGS84 +units=m;  200000 1000000 220000 990000",
        "+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m;  -200000 -2000000 0 -2100000",
        "+proj=stere +lat_0=-90 +lat_ts=-90 +lon_0=0 +k=0.994 +x_0=2000000 +y_0=2000000 +ellps=WGS84 +units=m;  2100000 2200000 2200000 2150000",
        "+proj=longlat +a=6370000 +rf=300 +no_defs;  10 50 12 49",
    })
    void crsAndGeoTransformMatchGdal(String srs, String ullr) throws Exception {
        Path tif = create(srs.trim(), ullr.trim());
        String info = Gdal.run("gdalinfo", "-json", tif.toString());
        double[] gdalGt = numbers(info.substring(info.indexOf("\"geoTransform\"")), 6);
        try (GeoTiffReader r = LocalFileSource.open(tif)) {
            TiffImage img = r.image();
            GeoTransform gt = img.geoTransform().orElseThrow();
            assertThat(gt.toArray()).containsExactly(gdalGt, within(1e-9));
            CoordinateReferenceSystem crs = img.crs();
            if (srs.trim().startsWith("EPSG:")) {
                assertThat(CrsResolver.sameDefinition(crs, CrsResolver.forCode(srs.trim())))
                        .as("%s read as %s", srs, CrsResolver.describe(crs)).isTrue();
            }
            GeographicCRS base = crs instanceof ProjectedCRS p ? p.getBaseCRS() : (GeographicCRS) crs;
            CoordinateReferenceSystem lonLat = AbstractCRS.castOrCopy(base).forConvention(AxesConvention.RIGHT_HANDED);
            MathTransform toBase = CRS.findOperation(crs, lonLat, null).getMathTransform();
            String proj = Gdal.run("gdalsrsinfo", "-o", "proj4", tif.toString()).trim();
            StringBuilder baseProj = new StringBuilder("+proj=longlat");
            for (String t : proj.split("\\s+")) {
                if (t.matches("\\+(ellps|datum|a|b|rf|f|R|towgs84|pm)=.*")) {
                    baseProj.append(' ').append(t);
                }
            }
            double[][] pixels = {{0, 0}, {img.width(), img.height()}, {img.width() / 2.0, img.height() / 3.0}};
            StringBuilder in = new StringBuilder();
            for (double[] p : pixels) {
                in.append(p[0]).append(' ').append(p[1]).append('\n');
            }
            String out = Gdal.run("sh", "-c", "printf '" + in + "' | gdaltransform -t_srs '" + baseProj + "' '" + tif + "'");
            String[] lines = out.trim().split("\n");
            for (int i = 0; i < pixels.length; i++) {
                double[] expected = numbers(lines[i], 2);
                double[] pt = {gt.x(pixels[i][0], pixels[i][1]), gt.y(pixels[i][0], pixels[i][1])};
                toBase.transform(pt, 0, pt, 0, 1);
                assertThat(pt).as("pixel %s,%s in %s (%s)", pixels[i][0], pixels[i][1], baseProj, CrsResolver.describe(crs))
                        .containsExactly(expected, within(1e-8));
            }
            Ellipsoid e = DatumOrEnsemble.getEllipsoid(crs).orElseThrow();
            if (srs.contains("+a=6370000")) {
                assertThat(e.getSemiMajorAxis()).isEqualTo(6370000);
                assertThat(e.getInverseFlattening()).isCloseTo(300, within(1e-9));
            }
        }
    }

    @Test
    void pixelIsPointShiftsTheOriginByHalfAPixelLikeGdal() throws Exception {
        Path area = create("EPSG:32633", "500000 5000000 520000 4990000");
        Path point = dir.resolve("point.tif");
        Gdal.run("gdal_translate", "-q", "-mo", "AREA_OR_POINT=Point", area.toString(), point.toString());
        String info = Gdal.run("gdalinfo", "-json", point.toString());
        double[] gdalGt = numbers(info.substring(info.indexOf("\"geoTransform\"")), 6);
        try (GeoTiffReader r = LocalFileSource.open(point)) {
            TiffImage img = r.image();
            assertThat(img.geoKeys().intKey(GeoKeyDirectory.RASTER_TYPE)).isEqualTo(GeoKeyDirectory.PIXEL_IS_POINT);
            assertThat(img.geoTransform().orElseThrow().toArray()).containsExactly(gdalGt, within(1e-9));
        }
    }

    @Test
    void nodataComesFromTheGdalNodataTag() throws Exception {
        Path tif = create("EPSG:4326", "8 48 9 47", "-a_nodata", "-9999");
        Path f = dir.resolve("f.tif");
        Gdal.run("gdal_translate", "-q", "-ot", "Float32", "-a_nodata", "nan", tif.toString(), f.toString());
        try (GeoTiffReader r = LocalFileSource.open(tif); GeoTiffReader rf = LocalFileSource.open(f)) {
            assertThat(r.image().nodata()).hasValue(-9999);
            assertThat(rf.image().nodata().getAsDouble()).isNaN();
        }
    }

    @Test
    void anImageWithoutGeoKeysIsNotGeoreferenced() throws Exception {
        Path tif = dir.resolve("plain.tif");
        Gdal.run("gdal_create", "-of", "GTiff", "-outsize", "10", "10", "-bands", "1", tif.toString());
        try (GeoTiffReader r = LocalFileSource.open(tif)) {
            assertThat(r.image().geoTransform()).isEmpty();
            assertThat(r.image().geoKeys().keys()).isEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.image().crs())
                    .isInstanceOf(NotGeoreferencedException.class).hasMessageContaining("plain.tif");
        }
    }

    /** The first {@code n} numbers in {@code s}. */
    static double[] numbers(String s, int n) {
        var m = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?").matcher(s);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (!m.find()) {
                throw new AssertionError("expected " + n + " numbers in: " + s);
            }
            out[i] = Double.parseDouble(m.group());
        }
        return out;
    }
}
