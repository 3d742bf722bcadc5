package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.sqlite.SQLiteConfig;

/**
 * Bad inputs and bad options through the real CLI (DESIGN §2.5, §2.7, §2.8, §3): each bad file
 * becomes exactly one dead letter with the right error class and a one-line message naming it,
 * good files are converted regardless, exit codes follow the table, option errors are refused
 * before any I/O, option drift is refused until {@code --fresh}, and a changed input is processed
 * again while unchanged ones are not.
 */
class BadInputIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 4242;

    @TempDir
    Path work;

    @Test
    void eachBadFileIsOneDeadLetterWithItsClassAndGoodFilesAreConverted() throws Exception {
        Path in = work.resolve("in");
        writeGoodFiles(in);
        SampleData.writeGpkg(in.resolve("folder.gpkg").resolve("inside.gpkg"),
                List.of(new LayerSpec("inside", GeometryKind.POINT, 2056, 25)), SEED + 9);
        Map<String, String> expectedClass = writeBadFiles(in);

        Path out = work.resolve("out");
        CliProcess.Result run = cairn("convert", in.toString(), "-o", out.toString(), "--json");
        assertThat(run.exitCode()).as("partial run; stderr:%n%s", run.stderr()).isEqualTo(12);
        assertNoStackTrace(run);
        JsonNode summary = JSON.readTree(run.lastStdoutLine());
        assertThat(summary.get("counts").get("done").asInt()).isEqualTo(4);
        assertThat(summary.get("counts").get("failed").asInt()).isEqualTo(expectedClass.size());

        for (String good : List.of("good_points.gpkg", "sub/good_polygons.gpkg", "good_lines.gpkg", "folder.gpkg/inside.gpkg")) {
            assertConvertedFaithfully(in.resolve(good), out.resolve(good));
        }
        for (String bad : expectedClass.keySet()) {
            assertThat(out.resolve(bad)).as("no output for a failed input").doesNotExist();
        }
        assertThat(GpkgCompare.tempLeftovers(out)).isEmpty();

        CliProcess.Result failures = cairn("failures", out.toString(), "--json");
        assertThat(failures.exitCode()).as("failures; stderr:%n%s", failures.stderr()).isZero();
        JsonNode report = JSON.readTree(failures.lastStdoutLine());
        assertThat(report.get("count").asInt()).isEqualTo(expectedClass.size());
        Map<String, String> actualClass = new TreeMap<>();
        for (JsonNode f : report.get("failures")) {
            String asset = f.get("asset").asText();
            String message = f.get("message").asText();
            assertThat(actualClass.put(asset, f.get("error_class").asText())).as("%s listed once", asset).isNull();
            String fileName = Path.of(f.get("input").asText()).getFileName().toString();
            assertThat(message).as("message of %s", asset)
                    .doesNotContain("\n").doesNotContain("\tat ").contains(fileName);
            assertThat(f.get("transient").asBoolean()).as("%s is a permanent failure", asset).isFalse();
            assertThat(f.get("attempts").asInt()).as("%s not retried", asset).isEqualTo(1);
        }
        assertThat(actualClass).isEqualTo(new TreeMap<>(expectedClass));
        assertThat(report.get("by_class").get("format").get("count").asInt()).isEqualTo(3);
        assertThat(report.get("by_class").get("crs").get("count").asInt()).isEqualTo(2);
    }

    @Test
    void assumedCrsConvertsALayerThatDeclaresNone() throws Exception {
        Path in = work.resolve("in");
        Path noCrs = in.resolve("no_crs.gpkg");
        SampleData.writeGpkg(noCrs, List.of(new LayerSpec("parcels", GeometryKind.POLYGON, 0, 40)), SEED);
        Path out = work.resolve("out");
        CliProcess.Result run = cairn("convert", noCrs.toString(), "-o", out.toString(), "--assume-crs", "EPSG:2056",
                "--to", "EPSG:4326", "--json");
        assertThat(run.exitCode()).as("stderr:%n%s", run.stderr()).isZero();
        Path converted = out.resolve("no_crs.gpkg");
        assertConvertedFaithfully(noCrs, converted);
        // LV95 coordinates assumed: the output is in Switzerland, in degrees, x = longitude.
        for (Coordinate c : allCoordinates(converted, "parcels")) {
            assertThat(c.x).isBetween(5.5, 11.0);
            assertThat(c.y).isBetween(45.5, 48.0);
        }
    }

    @Test
    void unknownTargetCrsExits2AndLeavesOutdirUntouched() throws Exception {
        Path in = work.resolve("in");
        writeGoodFiles(in);
        Path fresh = work.resolve("never-created");
        CliProcess.Result unknown = cairn("convert", in.toString(), "-o", fresh.toString(), "--to", "EPSG:999999");
        assertThat(unknown.exitCode()).as("stderr:%n%s", unknown.stderr()).isEqualTo(2);
        assertThat(unknown.event("usage_error").get("message").asText()).contains("999999").contains("--to");
        assertNoStackTrace(unknown);
        assertThat(fresh).doesNotExist();

        Path out = work.resolve("out");
        assertThat(cairn("convert", in.toString(), "-o", out.toString()).exitCode()).isZero();
        Map<String, String> before = snapshot(out);
        CliProcess.Result again = cairn("convert", in.toString(), "-o", out.toString(), "--to", "EPSG:999999");
        assertThat(again.exitCode()).as("stderr:%n%s", again.stderr()).isEqualTo(2);
        assertThat(snapshot(out)).as("every file of OUTDIR, bytes and mtime").isEqualTo(before);
    }

    @Test
    void differentTargetCrsOnTheSameOutdirIsRefusedUntilFresh() throws Exception {
        Path in = work.resolve("in");
        writeGoodFiles(in);
        Path out = work.resolve("out");
        assertThat(cairn("convert", in.toString(), "-o", out.toString(), "--to", "EPSG:4326").exitCode()).isZero();

        CliProcess.Result drift = cairn("convert", in.toString(), "-o", out.toString(), "--to", "EPSG:3857");
        assertThat(drift.exitCode()).as("stderr:%n%s", drift.stderr()).isEqualTo(2);
        assertThat(drift.event("usage_error").get("message").asText()).contains("--to").contains("--fresh");
        assertNoStackTrace(drift);
        assertThat(srsIds(out.resolve("good_points.gpkg"))).containsOnly(4326);

        CliProcess.Result fresh = cairn("convert", in.toString(), "-o", out.toString(), "--to", "EPSG:3857", "--fresh", "--json");
        assertThat(fresh.exitCode()).as("stderr:%n%s", fresh.stderr()).isZero();
        assertThat(JSON.readTree(fresh.lastStdoutLine()).get("done_this_run").asInt()).isEqualTo(3);
        for (String f : List.of("good_points.gpkg", "sub/good_polygons.gpkg", "good_lines.gpkg")) {
            assertThat(srsIds(out.resolve(f))).as(f).containsOnly(3857);
            assertConvertedFaithfully(in.resolve(f), out.resolve(f));
        }
    }

    @Test
    void changedInputIsProcessedAgainAndUnchangedOnesAreNot() throws Exception {
        Path in = work.resolve("in");
        writeGoodFiles(in);
        Path out = work.resolve("out");
        assertThat(cairn("convert", in.toString(), "-o", out.toString()).exitCode()).isZero();
        Path changed = in.resolve("sub/good_polygons.gpkg");
        FileTime oldInputTime = Files.getLastModifiedTime(changed);
        FileTime pointsTime = Files.getLastModifiedTime(out.resolve("good_points.gpkg"));
        FileTime linesTime = Files.getLastModifiedTime(out.resolve("good_lines.gpkg"));

        SampleData.writeGpkg(changed, List.of(new LayerSpec("polygons", GeometryKind.POLYGON, 32632, 77)), SEED + 100);
        Files.setLastModifiedTime(changed, FileTime.fromMillis(oldInputTime.toMillis() + 5_000));
        CliProcess.Result rerun = cairn("convert", in.toString(), "-o", out.toString(), "--json");
        assertThat(rerun.exitCode()).as("stderr:%n%s", rerun.stderr()).isZero();
        assertThat(JSON.readTree(rerun.lastStdoutLine()).get("done_this_run").asInt()).as("assets processed again").isEqualTo(1);
        assertThat(GpkgCompare.featureCount(out.resolve("sub/good_polygons.gpkg"), "polygons")).isEqualTo(77);
        assertConvertedFaithfully(changed, out.resolve("sub/good_polygons.gpkg"));
        assertThat(Files.getLastModifiedTime(out.resolve("good_points.gpkg"))).isEqualTo(pointsTime);
        assertThat(Files.getLastModifiedTime(out.resolve("good_lines.gpkg"))).isEqualTo(linesTime);
    }

    @Test
    void onlyFormatFailuresExit11() throws Exception {
        Path in = work.resolve("in");
        Files.createDirectories(in);
        Files.write(in.resolve("empty.gpkg"), new byte[0]);
        Files.writeString(in.resolve("notes.gpkg"), "not a GeoPackage\n");
        CliProcess.Result run = cairn("convert", in.toString(), "-o", work.resolve("out").toString(), "--json");
        assertThat(run.exitCode()).as("stderr:%n%s", run.stderr()).isEqualTo(11);
        assertNoStackTrace(run);
        assertThat(JSON.readTree(run.lastStdoutLine()).get("failures_by_class").get("format").asInt()).isEqualTo(2);
    }

    @Test
    void onlyCrsFailuresExit10() throws Exception {
        Path in = work.resolve("in");
        SampleData.writeGpkg(in.resolve("a.gpkg"), List.of(new LayerSpec("a", GeometryKind.POINT, 0, 10)), SEED);
        SampleData.writeGpkg(in.resolve("b.gpkg"), List.of(new LayerSpec("b", GeometryKind.LINESTRING, 0, 10)), SEED + 1);
        CliProcess.Result run = cairn("convert", in.toString(), "-o", work.resolve("out").toString(), "--json");
        assertThat(run.exitCode()).as("stderr:%n%s", run.stderr()).isEqualTo(10);
        assertNoStackTrace(run);
        assertThat(JSON.readTree(run.lastStdoutLine()).get("failures_by_class").get("crs").asInt()).isEqualTo(2);
    }

    @Test
    void invalidGeometriesAreKeptByDefaultAndWarnedFailedSkippedOrRepairedAsOnInvalidSaysAndFailuresListsThem()
            throws Exception {
        Path in = work.resolve("in");
        java.nio.file.Files.createDirectories(in);
        String square = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}";
        String bowtie = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}";
        StringBuilder fc = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        for (int i = 0; i < 5; i++) {
            fc.append(i == 0 ? "" : ",").append("{\"type\":\"Feature\",\"properties\":{\"n\":").append(i)
                    .append("},\"geometry\":").append(i == 3 ? bowtie : square).append('}');
        }
        java.nio.file.Files.writeString(in.resolve("parcels.geojson"), fc.append("]}").toString());
        Path file = in.resolve("parcels.geojson");

        // by default, as ogr2ogr: every feature written as read, the bow-tie still a bow-tie, nothing checked
        Path keepOut = work.resolve("keep");
        CliProcess.Result keep = cairn("convert", in.toString(), "-o", keepOut.toString(), "--json");
        assertThat(keep.exitCode()).as("stderr:%n%s", keep.stderr()).isZero();
        assertThat(rows(keepOut.resolve("parcels.gpkg"), "parcels")).isEqualTo(5);
        assertThat(JSON.readTree(cairn("failures", keepOut.toString(), "--json").lastStdoutLine()).get("feature_issues"))
                .isEmpty();

        // warn: checked, written as read, listed
        Path warnOut = work.resolve("warn");
        CliProcess.Result warn = cairn("convert", in.toString(), "-o", warnOut.toString(), "--on-invalid", "warn");
        assertThat(warn.exitCode()).as("stderr:%n%s", warn.stderr()).isZero();
        assertThat(rows(warnOut.resolve("parcels.gpkg"), "parcels")).isEqualTo(5);
        JsonNode warned = JSON.readTree(cairn("failures", warnOut.toString(), "--json").lastStdoutLine());
        assertThat(warned.get("skipped_features").asInt()).isZero();
        assertThat(warned.get("feature_issues").get(0).get("action").asText()).isEqualTo("kept");
        assertThat(warned.get("feature_issues").get(0).get("message").asText())
                .isEqualTo(file + ": layer 'parcels', fid 3: invalid geometry kept as read (Self-intersection at (0.5 0.5))");
        assertThat(cairn("failures", warnOut.toString()).stdout())
                .contains("--on-invalid: 0 feature(s) skipped, 0 repaired, 1 kept invalid as read");

        CliProcess.Result fail = cairn("convert", in.toString(), "-o", work.resolve("fail").toString(), "--on-invalid",
                "fail", "--json");
        assertThat(fail.exitCode()).as("stderr:%n%s", fail.stderr()).isEqualTo(12);
        assertNoStackTrace(fail);
        assertThat(JSON.readTree(fail.lastStdoutLine()).get("failures_by_class").get("geometry").asInt()).isEqualTo(1);
        JsonNode failure = fail.event("failure");
        assertThat(failure.get("message").asText())
                .startsWith(file + ": layer 'parcels', fid 3: invalid geometry (Self-intersection at (0.5 0.5))");
        assertThat(failure.get("error_class").asText()).isEqualTo("geometry");
        assertThat(failure.get("input").asText()).isEqualTo(file.toString());

        Path skipOut = work.resolve("skip");
        CliProcess.Result skip = cairn("convert", in.toString(), "-o", skipOut.toString(), "--on-invalid", "skip", "--json");
        assertThat(skip.exitCode()).as("stderr:%n%s", skip.stderr()).isZero();
        assertThat(JSON.readTree(skip.lastStdoutLine()).get("skipped_features").asInt()).isEqualTo(1);
        assertThat(rows(skipOut.resolve("parcels.gpkg"), "parcels")).isEqualTo(4);
        JsonNode skipped = JSON.readTree(cairn("failures", skipOut.toString(), "--json").lastStdoutLine());
        assertThat(skipped.get("skipped_features").asInt()).isEqualTo(1);
        assertThat(skipped.get("feature_issues").get(0).get("action").asText()).isEqualTo("skipped");
        assertThat(skipped.get("feature_issues").get(0).get("message").asText())
                .isEqualTo(file + ": layer 'parcels', fid 3: invalid geometry (Self-intersection at (0.5 0.5))");
        assertThat(cairn("failures", skipOut.toString()).stdout()).contains("--on-invalid: 1 feature(s) skipped, 0 repaired");

        Path repairOut = work.resolve("repair");
        CliProcess.Result repair = cairn("convert", in.toString(), "-o", repairOut.toString(), "--on-invalid", "repair");
        assertThat(repair.exitCode()).as("stderr:%n%s", repair.stderr()).isZero();
        assertThat(rows(repairOut.resolve("parcels.gpkg"), "parcels")).isEqualTo(5);
        JsonNode repaired = JSON.readTree(cairn("failures", repairOut.toString(), "--json").lastStdoutLine());
        assertThat(repaired.get("feature_issues").get(0).get("action").asText()).isEqualTo("repaired");

        // the policy is part of the job: changing it on the same OUTDIR is drift
        CliProcess.Result drift = cairn("convert", in.toString(), "-o", skipOut.toString(), "--on-invalid", "repair");
        assertThat(drift.exitCode()).isEqualTo(2);
        assertThat(drift.event("usage_error").get("message").asText()).contains("--on-invalid").contains("--fresh");
    }

    @Test
    void expectCrsFailsLayersInAnotherCrs() throws Exception {
        Path in = work.resolve("in");
        SampleData.writeGpkg(in.resolve("lv95.gpkg"), List.of(new LayerSpec("a", GeometryKind.POINT, 2056, 10)), SEED);
        SampleData.writeGpkg(in.resolve("utm.gpkg"), List.of(new LayerSpec("b", GeometryKind.POINT, 32632, 10)), SEED + 1);
        CliProcess.Result run = cairn("convert", in.toString(), "-o", work.resolve("out").toString(),
                "--expect-crs", "EPSG:2056", "--json");
        assertThat(run.exitCode()).as("stderr:%n%s", run.stderr()).isEqualTo(12);
        assertThat(messages(run)).contains(in.resolve("utm.gpkg") + ": layer 'b' is in ")
                .contains("not in EPSG:2056 as --expect-crs says");
        assertThat(JSON.readTree(run.lastStdoutLine()).get("failures_by_class").get("crs").asInt()).isEqualTo(1);
        assertThat(cairn("convert", in.toString(), "-o", work.resolve("bad").toString(), "--expect-crs", "EPSG:0")
                .exitCode()).isEqualTo(2);
    }

    private void writeGoodFiles(Path in) {
        SampleData.writeGpkg(in.resolve("good_points.gpkg"), List.of(new LayerSpec("points", GeometryKind.POINT, 2056, 60)), SEED);
        SampleData.writeGpkg(in.resolve("sub").resolve("good_polygons.gpkg"),
                List.of(new LayerSpec("polygons", GeometryKind.POLYGON, 32632, 45)), SEED + 1);
        SampleData.writeGpkg(in.resolve("good_lines.gpkg"), List.of(
                new LayerSpec("lines", GeometryKind.LINESTRING, 27700, 30),
                new LayerSpec("sites", GeometryKind.GEOMETRY, 4326, 25, true)), SEED + 2);
    }

    /** Writes the bad corpus; returns asset id → expected error class. */
    private Map<String, String> writeBadFiles(Path in) throws Exception {
        Map<String, String> expected = new HashMap<>();
        Files.write(in.resolve("empty.gpkg"), new byte[0]);
        expected.put("empty.gpkg", "format");
        Files.writeString(in.resolve("readme.gpkg"), "This is a text file, not a GeoPackage.\n", StandardCharsets.UTF_8);
        expected.put("readme.gpkg", "format");
        // A real GeoPackage cut in half: the header and the first pages are intact, the features are not.
        Path whole = work.resolve("whole.gpkg");
        SampleData.writeGpkg(whole, List.of(new LayerSpec("parcels", GeometryKind.POLYGON, 2056, 3000)), SEED + 3);
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(in.resolve("truncated.gpkg"), Arrays.copyOf(bytes, bytes.length / 2));
        expected.put("truncated.gpkg", "format");
        // No CRS: srs_id -1 (undefined Cartesian, what SampleData writes for epsg 0) and srs_id 0
        // (undefined geographic, what GDAL's own writer uses for a layer without SRS). GDAL 3.6
        // reports them as "Undefined Cartesian SRS" / "Undefined geographic SRS": no real CRS.
        SampleData.writeGpkg(in.resolve("no_crs.gpkg"), List.of(new LayerSpec("parcels", GeometryKind.POLYGON, 0, 40)), SEED + 4);
        expected.put("no_crs.gpkg", "crs");
        Path zero = in.resolve("sub").resolve("srs_zero.gpkg");
        SampleData.writeGpkg(zero, List.of(new LayerSpec("roads", GeometryKind.LINESTRING, 0, 20)), SEED + 5);
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + zero); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE gpkg_geometry_columns SET srs_id = 0");
            s.executeUpdate("UPDATE gpkg_contents SET srs_id = 0");
            s.executeUpdate("UPDATE roads SET geom = substr(geom, 1, 4) || x'00000000' || substr(geom, 9) WHERE geom IS NOT NULL");
        }
        expected.put("sub/srs_zero.gpkg", "crs");
        return expected;
    }

    /** Same layers, counts, fids and attribute values as the input (geometries are reprojected, so not compared here). */
    private static void assertConvertedFaithfully(Path input, Path output) throws Exception {
        assertThat(output).exists();
        assertThat(GpkgCompare.integrityCheck(output)).isEqualTo("ok");
        List<String> layers = GpkgCompare.featureLayers(input);
        assertThat(GpkgCompare.featureLayers(output)).isEqualTo(layers);
        for (String layer : layers) {
            assertThat(GpkgCompare.attributeRows(output, layer)).as("%s#%s fids and attributes", output.getFileName(), layer)
                    .isEqualTo(GpkgCompare.attributeRows(input, layer));
        }
    }

    private static List<Coordinate> allCoordinates(Path file, String layer) throws Exception {
        List<Coordinate> coords = new java.util.ArrayList<>();
        try (Connection c = GpkgCompare.open(file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + GpkgCompare.quote(GpkgCompare.geometryColumn(c, layer))
                     + " FROM " + GpkgCompare.quote(layer) + " WHERE 1 IS NOT NULL")) {
            while (rs.next()) {
                byte[] blob = rs.getBytes(1);
                if (blob != null) {
                    Geometry g = GpkgCompare.decode(blob);
                    coords.addAll(Arrays.asList(g.getCoordinates()));
                }
            }
        }
        assertThat(coords).isNotEmpty();
        return coords;
    }

    private static List<Integer> srsIds(Path file) throws Exception {
        List<Integer> ids = new java.util.ArrayList<>();
        try (Connection c = GpkgCompare.open(file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT srs_id FROM gpkg_geometry_columns")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    /** Relative path → size, mtime and a hash of the bytes, for every file under {@code root}. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), Files.size(p) + "/" + Files.getLastModifiedTime(p).toMillis()
                        + "/" + Arrays.hashCode(Files.readAllBytes(p)));
            }
        }
        return m;
    }

    /** Every stderr line is a JSON event (so no raw stack trace line), and none carries a stack trace field. */
    private static void assertNoStackTrace(CliProcess.Result run) {
        assertThat(run.stderrEvents()).as("stderr events").noneMatch(e -> e.has("stack_trace"));
    }

    /** The {@code message} of every stderr event, one per line. */
    private static String messages(CliProcess.Result run) {
        return run.stderrEvents().stream().map(e -> e.path("message").asText()).collect(Collectors.joining("\n"));
    }

    private static long rows(Path gpkg, String table) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + gpkg.toAbsolutePath());
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    private CliProcess.Result cairn(String... args) throws Exception {
        return CliProcess.run(work.resolve("logs"), TIMEOUT, args);
    }
}
