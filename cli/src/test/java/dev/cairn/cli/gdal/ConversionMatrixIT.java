package dev.cairn.cli.gdal;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.it.CliProcess;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;

/**
 * Every input format into every output format, against ogr2ogr: the inputs are written by GDAL
 * (ogr2ogr from one generated GeoPackage in EPSG:2056 with polygons, multi-polygons with holes
 * and every attribute type, non-ASCII text and NULL values), so they are files cairn did not
 * write; cairn and {@code ogr2ogr -t_srs EPSG:4326} convert each into each format, and GDAL
 * reads both outputs back (its CSV driver, geometries as WKT): the same features in the same
 * order, the same field names and values as GDAL sees them, every vertex within 1 cm.
 *
 * <p>Two differences are deliberate, and compared for what they mean: in a Shapefile cairn writes
 * a boolean as a dBase logical field (GDAL reads {@code T}/{@code F}; ogr2ogr writes an integer
 * 1/0), and a date-time as its full text (ogr2ogr writes a date field and drops the time; a
 * GeoPackage date read through FlatGeobuf, which has only date-times, is one too). NULL
 * and empty geometries are left out of the inputs: GDAL's FlatGeobuf writer drops such features
 * (its version in CI does), so the oracle would differ from itself; the codec tests cover them.
 */
class ConversionMatrixIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final int FEATURES = 150;
    /** The generated layer has one NULL and one empty geometry. */
    private static final int FEATURES_WITH_GEOMETRY = FEATURES - 2;
    /** The boolean attribute of the generated layer (see the class comment). */
    private static final String BOOLEAN_FIELD = "active";
    /** 1 cm, in metres on the ground. */
    private static final double TOLERANCE_M = 0.01;

    /** cairn's --format name, file extension, GDAL driver. */
    private static final String[][] FORMATS = OutputFormats.ALL;

    @TempDir
    static Path dir;
    static Path inputs;

    @BeforeAll
    static void writeInputsWithGdal() throws Exception {
        GdalCommand.assumeInstalled();
        Path generated = dir.resolve("base").resolve("generated.gpkg");
        SampleData.writeGpkg(generated, List.of(new LayerSpec("parcels", GeometryKind.MULTIPOLYGON, 2056, FEATURES)), 41);
        Path base = dir.resolve("base").resolve("parcels.gpkg");
        GdalCommand.run("ogr2ogr", "-f", "GPKG", base.toString(), generated.toString(), "-where",
                "geom IS NOT NULL AND NOT ST_IsEmpty(geom)");
        assertThat(GdalCommand.run("ogrinfo", "-so", base.toString(), "parcels")).contains("Feature Count: " + FEATURES_WITH_GEOMETRY);
        inputs = Files.createDirectories(dir.resolve("in"));
        for (String[] f : FORMATS) {
            // GeoJSON is EPSG:4326 by definition (RFC 7946); the other inputs stay in EPSG:2056
            boolean json = f[0].startsWith("geojson");
            List<String> cmd = new ArrayList<>(List.of("ogr2ogr", "-f", f[2]));
            if (json) {
                cmd.addAll(List.of("-t_srs", "EPSG:4326", "-lco", "COORDINATE_PRECISION=10"));
            }
            cmd.add(inputs.resolve("from_" + f[0] + f[1]).toString());
            cmd.add(base.toString());
            GdalCommand.run(cmd.toArray(String[]::new));
        }
    }

    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (String[] from : FORMATS) {
            for (String[] to : FORMATS) {
                pairs.add(Arguments.of(from[0], to[0]));
            }
        }
        return pairs.stream();
    }

    private static final Map<String, Path> CAIRN_OUTPUTS = new LinkedHashMap<>();

    /** cairn converts every input into {@code format} in one run (one run per output format). */
    private static synchronized Path cairnOutputs(String format) throws Exception {
        Path out = CAIRN_OUTPUTS.get(format);
        if (out == null) {
            out = dir.resolve("cairn-" + format);
            CliProcess.Result r = CliProcess.run(dir.resolve("logs"), TIMEOUT, "convert", inputs.toString(), "-o",
                    out.toString(), "--to", "EPSG:4326", "--format", format);
            assertThat(r.exitCode()).as("cairn into %s; stderr:%n%s", format, r.stderr()).isZero();
            CAIRN_OUTPUTS.put(format, out);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void cairnAgreesWithOgr2ogr(String from, String to) throws Exception {
        String[] in = format(from);
        String[] out = format(to);
        Path input = inputs.resolve("from_" + from + in[1]);
        Path ours = cairnOutputs(to).resolve("from_" + from + out[1]);
        Path theirs = dir.resolve("ogr-" + to).resolve("from_" + from + out[1]);
        Files.createDirectories(theirs.getParent());
        List<String> ogr = new ArrayList<>(List.of("ogr2ogr", "-f", out[2], "-t_srs", "EPSG:4326"));
        if (to.equals("shp")) {
            ogr.addAll(List.of("-lco", "ENCODING=UTF-8")); // GDAL's default (ISO-8859-1) loses the emoji; cairn writes UTF-8
        }
        if (from.equals("shp")) {
            // a Shapefile layer is "Polygon" holding multi-polygons too; GDAL's FlatGeobuf writer
            // refuses a MultiPolygon in a Polygon layer ("Unable to write feature") unless promoted
            ogr.addAll(List.of("-nlt", "PROMOTE_TO_MULTI"));
        }
        ogr.add(theirs.toString());
        ogr.add(input.toString());
        GdalCommand.run(ogr.toArray(String[]::new));

        assertThat(GdalCommand.run("ogrinfo", "-so", "-al", ours.toString())).doesNotContain("ERROR", "Warning");
        List<List<String>> a = csv(ours, "cairn");
        List<List<String>> b = csv(theirs, "ogr");
        if (to.equals("fgb")) {
            // a FlatGeobuf with an index stores features in the Hilbert order of their boxes, which
            // GDAL and cairn compute over slightly different extents: compare by attributes
            sortByAttributes(a);
            sortByAttributes(b);
        }
        assertThat(a.get(0)).as("fields (GDAL's reading of cairn's output vs ogr2ogr's)").isEqualTo(b.get(0));
        assertThat(a).as("rows").hasSize(FEATURES_WITH_GEOMETRY + 1).hasSameSizeAs(b);
        List<String> header = a.get(0);
        WKTReader wkt = new WKTReader();
        for (int i = 1; i < a.size(); i++) {
            List<String> x = a.get(i);
            List<String> y = b.get(i);
            for (int k = 1; k < header.size(); k++) {
                assertThat(sameValue(header.get(k), x.get(k), y.get(k))).as("feature %d, field %s: cairn '%s', ogr2ogr '%s'", i,
                        header.get(k), x.get(k), y.get(k)).isTrue();
            }
            assertSameGeometry(wkt, x.get(0), y.get(0), "feature " + i);
        }
    }

    private static String[] format(String name) {
        return Stream.of(FORMATS).filter(f -> f[0].equals(name)).findFirst().orElseThrow();
    }

    /**
     * Equal text, or equal numbers (a Shapefile's DBF holds decimal text of a fixed width), or the
     * same boolean or date as the class comment says.
     */
    private static boolean sameValue(String field, String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        if (field.equals(BOOLEAN_FIELD)) {
            return truth(a) != null && truth(a).equals(truth(b));
        }
        if (b.matches("\\d{4}/\\d\\d/\\d\\d")) { // ogr2ogr's Shapefile date, where cairn keeps the date-time's text
            return a.replace('-', '/').startsWith(b + "T");
        }
        try {
            double x = Double.parseDouble(a);
            double y = Double.parseDouble(b);
            return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Sorts the feature rows (not the header) by their attribute values. */
    private static void sortByAttributes(List<List<String>> rows) {
        rows.subList(1, rows.size()).sort(java.util.Comparator.comparing(r -> String.join("\u0001", r.subList(1, r.size()))));
    }

    private static Boolean truth(String v) {
        return switch (v) {
            case "T", "1", "true" -> Boolean.TRUE;
            case "F", "0", "false" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static void assertSameGeometry(WKTReader wkt, String a, String b, String what) throws ParseException {
        if (b.isEmpty()) {
            assertThat(a).as(what + ": geometry").isEmpty();
            return;
        }
        // normalised: rings in one orientation (cairn's GeoJSON sequences follow RFC 7946's
        // right-hand rule, GDAL's keep the input's), starting at the same vertex
        Geometry x = single(wkt.read(a)).norm();
        Geometry y = single(wkt.read(b)).norm();
        assertThat(x.getGeometryType()).as(what + ": geometry type").isEqualTo(y.getGeometryType());
        Coordinate[] cx = x.getCoordinates();
        Coordinate[] cy = y.getCoordinates();
        assertThat(cx).as(what + ": vertices").hasSameSizeAs(cy);
        for (int j = 0; j < cx.length; j++) {
            double dy = (cx[j].y - cy[j].y) * 111_320.0;
            double dx = (cx[j].x - cy[j].x) * 111_320.0 * Math.cos(Math.toRadians(cy[j].y));
            assertThat(Math.hypot(dx, dy)).as("%s: vertex %d, cairn %s, ogr2ogr %s (metres apart)", what, j, cx[j], cy[j])
                    .isLessThanOrEqualTo(TOLERANCE_M);
        }
    }

    /**
     * A one-part multi geometry as its part: formats differ in whether a single polygon read from
     * a Shapefile (a "Polygon" layer holding multi-polygons too) is promoted to a MultiPolygon.
     */
    private static Geometry single(Geometry g) {
        return g instanceof org.locationtech.jts.geom.GeometryCollection c && c.getNumGeometries() == 1
                && !"GeometryCollection".equals(g.getGeometryType()) ? c.getGeometryN(0) : g;
    }

    /** GDAL's reading of a file: a header row (WKT first) and one row per feature. */
    private static List<List<String>> csv(Path file, String tag) throws IOException, InterruptedException {
        Path target = file.resolveSibling(file.getFileName() + "." + tag + ".csv");
        Files.deleteIfExists(target);
        GdalCommand.run("ogr2ogr", "-f", "CSV", target.toString(), file.toString(), "-lco", "GEOMETRY=AS_WKT");
        return parseCsv(Files.readString(target, StandardCharsets.UTF_8));
    }

    /** RFC 4180 as GDAL's CSV driver writes it (quoted cells may hold commas, quotes and newlines). */
    private static List<List<String>> parseCsv(String text) throws java.io.IOException {
        return new ArrayList<>(new CsvMapper().readerForListOf(String.class).with(CsvParser.Feature.WRAP_AS_ARRAY)
                .<List<String>>readValues(text).readAll());
    }
}
