package dev.cairn.cli.gdal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.cairn.cli.it.CliProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKTReader;

/**
 * GeoPackage attribute tables through {@code cairn convert}, against ogr2ogr. The inputs are
 * written by GDAL from generated CSV: {@code both.gpkg} holds a polygon layer in EPSG:2056 and an
 * attribute table, {@code only.gpkg} an attribute table alone. cairn converts the folder into
 * every output format, whole and in chunks ({@code --chunk-features} smaller than every table, so
 * that attribute tables are cut and staged too); ogr2ogr converts each input into the same
 * format; GDAL reads both back (its CSV driver): the same layers, field names and values, the
 * same rows in the same order, every vertex within 1 cm; {@code cairn verify} finds the outputs
 * consistent, the lone {@code .dbf} of a Shapefile output included.
 *
 * <p>One difference is deliberate: GDAL (3.6) drops every feature without geometry when it
 * writes FlatGeobuf, so ogr2ogr's FlatGeobuf of an attribute table is empty; cairn's is compared
 * with GDAL's reading of the source table instead (FlatGeobuf has date-times only: a date
 * {@code 2024/01/02} reads back as {@code 2024/01/02 00:00:00}).
 */
class AttributeTablesIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final int PARCELS = 90;
    private static final int CODES = 70;
    private static final int CHUNK = 40;
    private static final double TOLERANCE_M = 0.01;

    /** cairn's --format name, file extension, GDAL driver. */
    private static final String[][] FORMATS = OutputFormats.ALL;

    @TempDir
    static Path dir;
    static Path inputs;

    @BeforeAll
    static void writeInputsWithGdal() throws Exception {
        GdalCommand.assumeInstalled();
        inputs = Files.createDirectories(dir.resolve("in"));
        Path codes = dir.resolve("codes.csv");
        Path parcels = dir.resolve("parcels.csv");
        SplittableRandom r = new SplittableRandom(13);
        StringBuilder c = new StringBuilder("code,label,weight,since\n");
        for (int i = 1; i <= CODES; i++) {
            String label = i % 9 == 0 ? "" : i % 7 == 0 ? "\"Zürich, Kreis " + i + "\"" : "code-" + i;
            String weight = i % 11 == 0 ? "" : String.format(Locale.ROOT, "%.3f", r.nextDouble(-500, 500));
            String since = i % 13 == 0 ? "" : String.format(Locale.ROOT, "20%02d-%02d-%02d", i % 25, 1 + i % 12, 1 + i % 28);
            c.append(i * 3).append(',').append(label).append(',').append(weight).append(',').append(since).append('\n');
        }
        Files.writeString(codes, c, StandardCharsets.UTF_8);
        StringBuilder p = new StringBuilder("WKT,name,area,n\n");
        for (int i = 1; i <= PARCELS; i++) {
            double x = 2_600_000 + r.nextInt(150_000) + 0.125;
            double y = 1_100_000 + r.nextInt(150_000) + 0.375;
            p.append("\"MULTIPOLYGON (((").append(x).append(' ').append(y).append(", ").append(x + 80).append(' ').append(y)
                    .append(", ").append(x + 80).append(' ').append(y + 40).append(", ").append(x).append(' ').append(y)
                    .append(")))\",").append(i % 5 == 0 ? "Bärenplatz " + i : "p" + i).append(',')
                    .append(String.format(Locale.ROOT, "%.2f", r.nextDouble(10, 9000))).append(',').append(i).append('\n');
        }
        Files.writeString(parcels, p, StandardCharsets.UTF_8);
        Path both = inputs.resolve("both.gpkg");
        GdalCommand.run("ogr2ogr", "-f", "GPKG", both.toString(), parcels.toString(), "-nln", "parcels", "-a_srs",
                "EPSG:2056", "-nlt", "MULTIPOLYGON", "-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO",
                "-oo", "AUTODETECT_TYPE=YES");
        GdalCommand.run("ogr2ogr", "-update", "-f", "GPKG", both.toString(), codes.toString(), "-nln", "codes",
                "-oo", "AUTODETECT_TYPE=YES");
        GdalCommand.run("ogr2ogr", "-f", "GPKG", inputs.resolve("only.gpkg").toString(), codes.toString(), "-nln", "codes",
                "-oo", "AUTODETECT_TYPE=YES");
        assertThat(GdalCommand.run("ogrinfo", both.toString())).contains("codes (None)", "parcels (Multi Polygon)");
    }

    static Stream<Arguments> formatsWholeAndChunked() {
        List<Arguments> args = new ArrayList<>();
        for (String[] f : FORMATS) {
            args.add(Arguments.of(f[0], false));
            args.add(Arguments.of(f[0], true));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0}, chunked: {1}")
    @MethodSource("formatsWholeAndChunked")
    void attributeTablesAreConvertedAsOgr2ogrConvertsThem(String format, boolean chunked) throws Exception {
        String[] f = Stream.of(FORMATS).filter(x -> x[0].equals(format)).findFirst().orElseThrow();
        Path out = dir.resolve("cairn-" + format + (chunked ? "-chunked" : ""));
        List<String> cmd = new ArrayList<>(List.of("convert", inputs.toString(), "-o", out.toString(), "--to", "EPSG:4326",
                "--format", format, "--json"));
        if (chunked) {
            cmd.addAll(List.of("--chunk-features", String.valueOf(CHUNK)));
        }
        CliProcess.Result r = CliProcess.run(dir.resolve("logs"), TIMEOUT, cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as("cairn into %s; stderr:%n%s", format, r.stderr()).isZero();
        JsonNode summary = new ObjectMapper().readTree(r.lastStdoutLine());
        assertThat(summary.get("features").asLong()).as("rows of attribute tables count as features")
                .isEqualTo(PARCELS + 2L * CODES);
        assertThat(r.stderr()).contains("table 'codes' has no geometry: copied as an attribute table");

        Path theirs = Files.createDirectories(dir.resolve("ogr-" + format + (chunked ? "-chunked" : "")));
        if (format.equals("gpkg")) {
            for (String in : List.of("both", "only")) {
                ogr2ogr(f, theirs.resolve(in + ".gpkg"), inputs.resolve(in + ".gpkg"));
            }
            assertSameLayer(out.resolve("both.gpkg"), "parcels", theirs.resolve("both.gpkg"), "parcels", false);
            assertSameLayer(out.resolve("both.gpkg"), "codes", theirs.resolve("both.gpkg"), "codes", false);
            assertSameLayer(out.resolve("only.gpkg"), "codes", theirs.resolve("only.gpkg"), "codes", false);
            for (String in : List.of("both", "only")) {
                assertThat(GpkgQuery.rows(out.resolve(in + ".gpkg"),
                        "SELECT data_type, srs_id FROM gpkg_contents WHERE table_name = 'codes'"))
                        .containsExactly("attributes|0");
                assertThat(GpkgQuery.rows(out.resolve(in + ".gpkg"),
                        "SELECT count(*) FROM gpkg_geometry_columns WHERE table_name = 'codes'")).containsExactly("0");
                assertThat(GpkgQuery.rows(out.resolve(in + ".gpkg"), "SELECT name, type, pk FROM pragma_table_info('codes')"))
                        .isEqualTo(GpkgQuery.rows(inputs.resolve(in + ".gpkg"),
                                "SELECT name, type, pk FROM pragma_table_info('codes')"));
            }
        } else if (format.equals("shp")) {
            // a directory output: ogr2ogr names each file after its layer (parcels.shp, codes.dbf)
            ogr2ogr(f, theirs.resolve("both"), inputs.resolve("both.gpkg"));
            ogr2ogr(f, theirs.resolve("only"), inputs.resolve("only.gpkg"));
            assertThat(theirs.resolve("both/codes.dbf")).exists();
            assertThat(theirs.resolve("both/codes.shp")).doesNotExist();
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files.map(x -> x.getFileName().toString()).filter(n -> n.contains("codes") || n.startsWith("only"))
                        .sorted()).as("a lone .dbf (and its .cpg) per attribute table")
                        .containsExactly("both.codes.cpg", "both.codes.dbf", "only.cpg", "only.dbf");
            }
            assertSameLayer(out.resolve("both.parcels.shp"), null, theirs.resolve("both/parcels.shp"), null, false);
            assertSameLayer(out.resolve("both.codes.dbf"), null, theirs.resolve("both/codes.dbf"), null, false);
            assertSameLayer(out.resolve("only.dbf"), null, theirs.resolve("only/codes.dbf"), null, false);
        } else {
            String ext = f[1];
            ogr2ogr(f, theirs.resolve("both.parcels" + ext), inputs.resolve("both.gpkg"), "parcels");
            boolean fgb = format.equals("fgb");
            assertSameLayer(out.resolve("both.parcels" + ext), null, theirs.resolve("both.parcels" + ext), null, fgb);
            if (fgb) {
                assertSameLayer(out.resolve("both.codes" + ext), null, inputs.resolve("both.gpkg"), "codes", false);
                assertSameLayer(out.resolve("only" + ext), null, inputs.resolve("only.gpkg"), "codes", false);
                assertThat(GdalCommand.run("ogrinfo", "-so", "-al", out.resolve("only" + ext).toString()))
                        .contains("Geometry: Unknown (any)", "Feature Count: " + CODES);
            } else {
                ogr2ogr(f, theirs.resolve("both.codes" + ext), inputs.resolve("both.gpkg"), "codes");
                ogr2ogr(f, theirs.resolve("only" + ext), inputs.resolve("only.gpkg"));
                assertSameLayer(out.resolve("both.codes" + ext), null, theirs.resolve("both.codes" + ext), null, false);
                assertSameLayer(out.resolve("only" + ext), null, theirs.resolve("only" + ext), null, false);
            }
        }
        CliProcess.Result verify = CliProcess.run(dir.resolve("logs"), TIMEOUT, "verify", out.toString());
        assertThat(verify.exitCode()).as("cairn verify %s:%n%s%s", out, verify.stdout(), verify.stderr()).isZero();
        assertThat(verify.stdout()).contains("consistent");
    }

    private static void ogr2ogr(String[] format, Path target, Path source, String... layers) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ogr2ogr", "-f", format[2], "-t_srs", "EPSG:4326"));
        if (format[0].equals("shp")) {
            cmd.addAll(List.of("-lco", "ENCODING=UTF-8")); // cairn writes UTF-8; GDAL's default would lose the umlauts
        }
        cmd.add(target.toString());
        cmd.add(source.toString());
        cmd.addAll(List.of(layers));
        GdalCommand.run(cmd.toArray(String[]::new));
    }

    /**
     * GDAL's readings of two layers are the same: fields, rows (sorted by attributes when
     * {@code unordered}: a FlatGeobuf is in Hilbert order), values, geometries within 1 cm.
     */
    private static void assertSameLayer(Path ours, String ourLayer, Path theirs, String theirLayer, boolean unordered)
            throws Exception {
        assertThat(GdalCommand.run("ogrinfo", "-so", "-al", ours.toString())).doesNotContain("ERROR", "Warning");
        List<List<String>> a = withoutEmptyGeometryColumn(csv(ours, ourLayer, "cairn"));
        List<List<String>> b = withoutEmptyGeometryColumn(csv(theirs, theirLayer, "ogr"));
        String what = ours.getFileName() + (ourLayer == null ? "" : " " + ourLayer);
        assertThat(a.get(0)).as("%s: fields", what).isEqualTo(b.get(0));
        assertThat(a).as("%s: rows", what).hasSameSizeAs(b).hasSizeGreaterThan(CHUNK + 1);
        boolean geometry = a.get(0).get(0).equals("WKT");
        if (unordered) {
            Comparator<List<String>> byAttributes = Comparator.comparing(row -> String.join("\u0001", row.subList(1, row.size())));
            a.subList(1, a.size()).sort(byAttributes);
            b.subList(1, b.size()).sort(byAttributes);
        }
        WKTReader wkt = new WKTReader();
        for (int i = 1; i < a.size(); i++) {
            for (int k = geometry ? 1 : 0; k < a.get(0).size(); k++) {
                String x = a.get(i).get(k).replace(" 00:00:00", ""); // a FlatGeobuf date is a date-time
                assertThat(sameValue(x, b.get(i).get(k))).as("%s: row %d, field %s: cairn '%s', ogr2ogr '%s'", what, i,
                        a.get(0).get(k), x, b.get(i).get(k)).isTrue();
            }
            if (geometry) {
                assertSameGeometry(wkt, a.get(i).get(0), b.get(i).get(0), what + ": row " + i);
            }
        }
    }

    /** Equal text, or equal numbers (a Shapefile's DBF holds decimal text of a fixed width). */
    private static boolean sameValue(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            double x = Double.parseDouble(a);
            double y = Double.parseDouble(b);
            return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The rows without their WKT column when every feature's is empty: GDAL's CSV of a layer of
     * unknown geometry type (GeoJSON, FlatGeobuf) has one, that of a table declared without
     * geometry (GeoPackage attribute table, lone .dbf) none.
     */
    private static List<List<String>> withoutEmptyGeometryColumn(List<List<String>> rows) {
        if (!rows.get(0).get(0).equals("WKT") || rows.stream().skip(1).anyMatch(r -> !r.get(0).isEmpty())) {
            return rows;
        }
        List<List<String>> out = new ArrayList<>();
        for (List<String> r : rows) {
            out.add(new ArrayList<>(r.subList(1, r.size())));
        }
        return out;
    }

    private static void assertSameGeometry(WKTReader wkt, String a, String b, String what) throws Exception {
        Geometry x = wkt.read(a).norm();
        Geometry y = wkt.read(b).norm();
        assertThat(x.getGeometryType()).as(what).isEqualTo(y.getGeometryType());
        Coordinate[] cx = x.getCoordinates();
        Coordinate[] cy = y.getCoordinates();
        assertThat(cx).as(what).hasSameSizeAs(cy);
        for (int j = 0; j < cx.length; j++) {
            double dy = (cx[j].y - cy[j].y) * 111_320.0;
            double dx = (cx[j].x - cy[j].x) * 111_320.0 * Math.cos(Math.toRadians(cy[j].y));
            assertThat(Math.hypot(dx, dy)).as("%s: vertex %d (metres apart)", what, j).isLessThanOrEqualTo(TOLERANCE_M);
        }
    }

    /** GDAL's reading of one layer (or the file's only layer) as CSV: a header row, then a row per feature. */
    private static List<List<String>> csv(Path file, String layer, String tag) throws IOException, InterruptedException {
        Path target = dir.resolve("csv").resolve(file.getParent().getFileName() + "-" + file.getFileName() + "-"
                + (layer == null ? "" : layer) + "." + tag + ".csv");
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        List<String> cmd = new ArrayList<>(List.of("ogr2ogr", "-f", "CSV", target.toString(), file.toString(),
                "-lco", "GEOMETRY=AS_WKT"));
        if (layer != null) {
            cmd.add(layer);
        }
        GdalCommand.run(cmd.toArray(String[]::new));
        return new ArrayList<>(new CsvMapper().readerForListOf(String.class).with(CsvParser.Feature.WRAP_AS_ARRAY)
                .<List<String>>readValues(Files.readString(target, StandardCharsets.UTF_8)).readAll());
    }

    /** Rows of an SQL query on a GeoPackage, each as its values joined by '|' (GDAL's sqlite dialect). */
    private static final class GpkgQuery {
        static List<String> rows(Path gpkg, String sql) throws Exception {
            List<String> rows = new ArrayList<>();
            try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + gpkg); var s = c.createStatement();
                 var rs = s.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> v = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        v.add(String.valueOf(rs.getObject(i)));
                    }
                    rows.add(String.join("|", v));
                }
            }
            return rows;
        }
    }
}
