package dev.cairn.cli.gdal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.it.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;

/**
 * What the CRS a file declares is worth, from the command line, on files GDAL wrote:
 * <ul>
 *   <li>a declaration that lies (UTM metres under a WGS 84 {@code .prj}, SRS row or GeoJSON) fails
 *       its file as a CRS error naming the first coordinate outside and the CRS claimed, whether
 *       the header's extent says it (Shapefile, GeoPackage) or only the features do (GeoJSON, a
 *       GeoPackage without extent), chunked or not — and the batch goes on;</li>
 *   <li>a custom datum EPSG knows no shift for is refused naming {@code --allow-ballpark}, and
 *       with it converts as ogr2ogr does (PROJ's ballpark), recorded once per layer;</li>
 *   <li>GeoJSON coordinates read back as the very doubles written, or are rounded on request.</li>
 * </ul>
 */
class CrsDeclarationsIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** UTM zone 18 on Clarke 1866 under an unnamed datum: no EPSG code matches it, no datum shift is known. */
    private static final String CUSTOM_CLARKE_PRJ = "PROJCS[\"UTM Zone 18, Northern Hemisphere\",GEOGCS[\"Clarke 1866\","
            + "DATUM[\"unknown\",SPHEROID[\"clrk66\",6378206.4,294.9786982138982]],PRIMEM[\"Greenwich\",0],"
            + "UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],"
            + "PARAMETER[\"central_meridian\",-75],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],"
            + "PARAMETER[\"false_northing\",0],UNIT[\"Meter\",1]]";

    @TempDir
    static Path dir;

    @BeforeAll
    static void tools() {
        GdalCommand.assumeInstalled();
    }

    private static CliProcess.Result cairn(String... args) throws Exception {
        return CliProcess.run(dir.resolve("logs"), TIMEOUT, args);
    }

    /** Writes {@code csv} (a WKT column) with ogr2ogr as {@code out}, declared in {@code srs}. */
    private static void ogrFromCsv(Path out, String csv, String srs, String... extra) throws Exception {
        Files.createDirectories(out.getParent());
        Path src = Files.createTempFile(dir, "src", ".csv");
        Files.writeString(src, csv);
        List<String> cmd = new ArrayList<>(List.of("ogr2ogr", out.toString(), src.toString(), "-a_srs", srs,
                "-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO"));
        if (out.toString().endsWith(".gpkg")) {
            cmd.addAll(List.of("-nln", "data"));
        }
        cmd.addAll(List.of(extra));
        GdalCommand.run(cmd.toArray(String[]::new));
    }

    private static JsonNode failuresJson(Path out) throws Exception {
        CliProcess.Result r = cairn("failures", out.toString(), "--json");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return JSON.readTree(r.lastStdoutLine());
    }

    @Test
    void metresUnderAWgs84DeclarationFailAsACrsErrorNamingTheFirstCoordinateAndTheBatchGoesOn() throws Exception {
        Path in = dir.resolve("lying");
        String utm = "id,WKT\n1,\"POLYGON ((430016.2 5200000, 431000 5200000, 431000 5201000, 430016.2 5200000))\"\n";
        ogrFromCsv(in.resolve("header.shp"), utm, "EPSG:4326");
        ogrFromCsv(in.resolve("contents.gpkg"), utm, "EPSG:4326");
        ogrFromCsv(in.resolve("no-extent.gpkg"), utm, "EPSG:4326");
        GdalCommand.run("ogrinfo", in.resolve("no-extent.gpkg").toString(), "-sql",
                "UPDATE gpkg_contents SET min_x = NULL, min_y = NULL, max_x = NULL, max_y = NULL");
        Files.writeString(in.resolve("features.geojson"), """
                {"type":"FeatureCollection","features":[
                {"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[8.5,47.3]}},
                {"type":"Feature","properties":{"a":2},"geometry":{"type":"Point","coordinates":[2600000.5,1200000.25]}}]}
                """);
        ogrFromCsv(in.resolve("good.gpkg"), "id,WKT\n1,\"POINT (8.5 47.3)\"\n", "EPSG:4326");

        for (String chunk : List.of("0", "1")) {
            Path out = dir.resolve("lying-out-" + chunk);
            CliProcess.Result r = cairn("convert", in.toString(), "-o", out.toString(), "--on-invalid", "repair",
                    "--chunk-features", chunk);
            assertThat(r.exitCode()).as("partial: the good file is done\n" + r.stderr()).isEqualTo(12);
            assertThat(out.resolve("good.gpkg")).exists();
            for (String lying : List.of("header", "contents", "no-extent")) {
                assertThat(out.resolve(lying + ".gpkg")).as("nothing written for " + lying).doesNotExist();
            }
            JsonNode failures = failuresJson(out).get("failures");
            List<String> messages = new ArrayList<>();
            failures.forEach(f -> messages.add(f.get("message").asText()));
            assertThat(failures).allSatisfy(f -> assertThat(f.get("error_class").asText()).isEqualTo("crs"));
            assertThat(messages).as("chunk " + chunk).anySatisfy(m -> assertThat(m)
                    .contains(in.resolve("header.shp") + ": layer 'header': the declared extent has coordinates outside"
                            + " the declared CRS WGS 84: x=430016.2"));
            assertThat(messages).anySatisfy(m -> assertThat(m)
                    .contains(in.resolve("contents.gpkg") + ": layer 'data': the declared extent has coordinates outside"
                            + " the declared CRS WGS 84: x=430016.2"));
            assertThat(messages).as("no extent: found at the feature").anySatisfy(m -> assertThat(m)
                    .contains(in.resolve("no-extent.gpkg") + ": layer 'data', fid 1: coordinates outside the declared"
                            + " CRS WGS 84: x=430016.2"));
            assertThat(messages).as("GeoJSON has no header extent: found at the feature").anySatisfy(m -> assertThat(m)
                    .contains(in.resolve("features.geojson") + ": layer 'features', fid 1: coordinates outside the"
                            + " declared CRS WGS 84: x=2600000.5"));
        }
    }

    @Test
    void aCustomDatumWithoutAKnownShiftIsRefusedNamingTheFlagAndWithItConvertsAsOgr2ogrOnceRecordedPerLayer()
            throws Exception {
        Path in = dir.resolve("custom");
        Path shp = in.resolve("pts.shp");
        Path prj = dir.resolve("custom.prj");
        Files.writeString(prj, CUSTOM_CLARKE_PRJ);
        ogrFromCsv(shp, "id,WKT\n1,\"POINT (583960 4507523)\"\n2,\"POINT (500000 4000000)\"\n"
                + "3,\"POINT (420000.5 4800000.25)\"\n", prj.toString());
        Files.writeString(in.resolve("pts.prj"), CUSTOM_CLARKE_PRJ); // as ESRI tools write it, not GDAL's rewrite

        Path refused = dir.resolve("custom-refused");
        CliProcess.Result r = cairn("convert", in.toString(), "-o", refused.toString());
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(10);
        assertThat(failuresJson(refused).get("failures").get(0).get("message").asText())
                .contains("no datum transformation is known from 'UTM Zone 18, Northern Hemisphere' (ellipsoid clrk66)")
                .contains("--allow-ballpark");

        Path ogr = dir.resolve("custom-ogr.geojson");
        GdalCommand.run("ogr2ogr", "-f", "GeoJSON", ogr.toString(), shp.toString(), "-t_srs", "EPSG:4326",
                "-lco", "COORDINATE_PRECISION=15");
        List<double[]> expected = points(ogr);
        for (String chunk : List.of("0", "1")) {
            Path out = dir.resolve("custom-ballpark-" + chunk);
            r = cairn("convert", in.toString(), "-o", out.toString(), "--format", "geojson", "--allow-ballpark",
                    "--chunk-features", chunk);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            List<double[]> got = points(out.resolve("pts.geojson"));
            assertThat(got).hasSameSizeAs(expected);
            for (int i = 0; i < got.size(); i++) {
                // 1e-9° is 0.1 mm: PROJ and SIS invert the projection with different series
                assertThat(got.get(i)[0]).as("lon " + i).isCloseTo(expected.get(i)[0], org.assertj.core.data.Offset.offset(1e-9));
                assertThat(got.get(i)[1]).as("lat " + i).isCloseTo(expected.get(i)[1], org.assertj.core.data.Offset.offset(1e-9));
            }
            JsonNode issues = failuresJson(out).get("feature_issues");
            assertThat(issues).as("one record per layer, whatever the chunks").hasSize(1);
            assertThat(issues.get(0).get("action").asText()).isEqualTo("approximated");
            assertThat(issues.get(0).get("error_class").asText()).isEqualTo("crs");
            assertThat(issues.get(0).get("message").asText()).contains(shp + ": layer 'pts'")
                    .contains("--allow-ballpark").contains("tens to hundreds of metres");
        }
    }

    @Test
    void geoJsonCoordinatesReadBackAsTheSameDoublesByDefaultAndAreRoundedOnRequest() throws Exception {
        // A hole 4e-10° inside its shell (close vertices like these are in Natural Earth's
        // countries): rounded to 9 decimals, the hole's edge lies on the shell's and the polygon
        // is invalid.
        String wkt = "POLYGON ((9 45, 11 45, 11 47, 9 47, 9 45),"
                + " (9.0000000004 45.5, 10 46.123456789012345, 9.0000000004 46.5, 9.0000000004 45.5))";
        Path in = dir.resolve("precise");
        ogrFromCsv(in.resolve("p.gpkg"), "id,WKT\n1,\"" + wkt + "\"\n", "EPSG:4326");
        Polygon source = (Polygon) new org.locationtech.jts.io.WKTReader().read(wkt);
        assertThat(source.isValid()).isTrue();

        Path out = dir.resolve("precise-default");
        CliProcess.Result r = cairn("convert", in.toString(), "-o", out.toString(), "--format", "geojson");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Polygon written = polygon(out.resolve("p.geojson"));
        assertThat(written.getCoordinates()).containsExactly(source.getCoordinates());
        assertThat(written.getInteriorRingN(0).getCoordinateN(0).x).isEqualTo(9.0000000004);
        assertThat(written.isValid()).isTrue();

        Path nine = dir.resolve("precise-9");
        r = cairn("convert", in.toString(), "-o", nine.toString(), "--format", "geojson", "--coordinate-precision", "9");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(polygon(nine.resolve("p.geojson")).isValid()).as("what rounding does: the reason for the default")
                .isFalse();

        Path seven = dir.resolve("precise-7");
        r = cairn("convert", in.toString(), "-o", seven.toString(), "--format", "geojsonseq", "--coordinate-precision", "7");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(Files.readString(seven.resolve("p.geojsons"))).contains("[10,46.1234568]").contains("[9,45]");

        r = cairn("convert", in.toString(), "-o", dir.resolve("precise-gpkg").toString(), "--coordinate-precision", "7");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--coordinate-precision").contains("GeoJSON");
        assertThat(dir.resolve("precise-gpkg")).doesNotExist();

        r = cairn("convert", in.toString(), "-o", seven.toString(), "--format", "geojsonseq");
        assertThat(r.exitCode()).as("another precision on the same OUTDIR is another job").isEqualTo(2);
        assertThat(r.stderr()).contains("--coordinate-precision");
    }

    private static List<double[]> points(Path geojson) throws Exception {
        List<double[]> out = new ArrayList<>();
        for (JsonNode f : JSON.readTree(geojson.toFile()).get("features")) {
            JsonNode c = f.get("geometry").get("coordinates");
            out.add(new double[] {c.get(0).doubleValue(), c.get(1).doubleValue()});
        }
        return out;
    }

    private static Polygon polygon(Path geojson) throws Exception {
        String text = Files.readString(geojson).replace("\u001e", "");
        JsonNode root = JSON.readTree(text);
        JsonNode feature = root.has("features") ? root.get("features").get(0) : root;
        JsonNode rings = feature.get("geometry").get("coordinates");
        GeometryFactory gf = new GeometryFactory();
        org.locationtech.jts.geom.LinearRing[] holes = new org.locationtech.jts.geom.LinearRing[rings.size() - 1];
        for (int r = 1; r < rings.size(); r++) {
            holes[r - 1] = gf.createLinearRing(ring(rings.get(r)));
        }
        return gf.createPolygon(gf.createLinearRing(ring(rings.get(0))), holes);
    }

    /** Coordinates as Java parses the text of each number: the text-to-double round trip under test. */
    private static Coordinate[] ring(JsonNode ring) {
        Coordinate[] cs = new Coordinate[ring.size()];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = new Coordinate(Double.parseDouble(ring.get(i).get(0).asText()),
                    Double.parseDouble(ring.get(i).get(1).asText()));
        }
        return cs;
    }
}
