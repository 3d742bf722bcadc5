package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Huge layers into formats other than GeoPackage (issue: chunks go to parts assembled atomically):
 * a GeoPackage layer chunked into Shapefile, GeoJSON, GeoJSON sequence and FlatGeobuf gives
 * byte for byte the file an unchunked run writes (these writers are deterministic); so do
 * Shapefile, FlatGeobuf, GeoJSON and GeoJSON sequence inputs chunked by feature position; and
 * SIGKILL loops of the real CLI during chunked runs into FlatGeobuf (chunk part files, fid chunks
 * of a GeoPackage and position chunks of a Shapefile) still end with that file, with every chunk
 * completed once and nothing hidden left behind.
 */
class ChunkedExportIT {
    private static final long SEED = 7_341L;
    private static final int FEATURES = 300_000;
    private static final int CHUNK = 40_000;
    private static final int CHUNKS = (FEATURES + CHUNK - 1) / CHUNK;
    private static final int KILLS = 8;
    private static final int GEOJSON_FEATURES = 120_000;
    private static final int GEOJSON_CHUNK = 15_000;
    private static final int SHP_FEATURES = 120_000;
    private static final int SHP_CHUNK = 20_000;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static Path input;

    @BeforeAll
    static void generateInput() {
        input = work.resolve("in");
        SampleData.writeGpkg(input.resolve("big.gpkg"), List.of(new LayerSpec("parcels", GeometryKind.POLYGON, 2056,
                FEATURES)), SEED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shp", "geojson", "geojsonseq", "fgb"})
    void chunkedOutputIsTheUnchunkedOutputByteForByte(String format) throws Exception {
        Path small = work.resolve("small-" + format);
        SampleData.writeGpkg(small.resolve("lines.gpkg"), List.of(new LayerSpec("lines", GeometryKind.LINESTRING, 32632,
                5_000)), SEED + 1);
        Path chunked = work.resolve("chunked-" + format);
        Path plain = work.resolve("plain-" + format);
        CliProcess.Result c = run(small, chunked, format, 700);
        assertThat(c.exitCode()).as("chunked run; stderr:%n%s", c.stderr()).isZero();
        assertThat(JSON.readTree(c.lastStdoutLine()).get("counts").get("done").asInt()).isEqualTo(8);
        CliProcess.Result u = run(small, plain, format, 0);
        assertThat(u.exitCode()).as("unchunked run; stderr:%n%s", u.stderr()).isZero();
        assertThat(digests(chunked)).isEqualTo(digests(plain)).isNotEmpty();
        assertNoHiddenLeftovers(chunked);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shp", "fgb"})
    void aMultiLayerGeoPackageChunksEachBigLayerIntoItsOwnFile(String format) throws Exception {
        Path small = work.resolve("multi-" + format);
        SampleData.writeGpkg(small.resolve("city.gpkg"), List.of(
                new LayerSpec("roads", GeometryKind.LINESTRING, 32632, 5_000),
                new LayerSpec("trees", GeometryKind.POINT, 32632, 300)), SEED + 3);
        Path chunked = work.resolve("mc-" + format);
        Path plain = work.resolve("mu-" + format);
        CliProcess.Result c = run(small, chunked, format, 700);
        assertThat(c.exitCode()).as("chunked run; stderr:%n%s", c.stderr()).isZero();
        // roads: 8 chunks into city.roads.<ext>; trees: one whole-layer asset into city.trees.<ext>
        assertThat(JSON.readTree(c.lastStdoutLine()).get("counts").get("done").asInt()).isEqualTo(9);
        CliProcess.Result u = run(small, plain, format, 0);
        assertThat(u.exitCode()).as("unchunked run; stderr:%n%s", u.stderr()).isZero();
        assertThat(digests(chunked)).isEqualTo(digests(plain)).containsKey("city.roads." + format)
                .containsKey("city.trees." + format);
        assertNoHiddenLeftovers(chunked);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shp>fgb", "shp>shp", "shp>gpkg", "fgb>geojson", "fgb>gpkg", "geojson>gpkg", "geojson>fgb",
        "geojsonseq>shp", "geojsonseq>geojson"})
    void positionChunkedInputsConvertLikeTheyConvertWhole(String pair) throws Exception {
        String from = pair.substring(0, pair.indexOf('>'));
        String to = pair.substring(pair.indexOf('>') + 1);
        Path source = work.resolve("src-" + pair.replace('>', '-'));
        SampleData.writeGpkg(source.resolve("roads.gpkg"), List.of(new LayerSpec("roads", GeometryKind.LINESTRING, 32632,
                5_000)), SEED + 2);
        Path in = work.resolve("in-" + pair.replace('>', '-'));
        CliProcess.Result made = run(source, in, from, 0); // the input, in the format under test
        assertThat(made.exitCode()).as("making the input; stderr:%n%s", made.stderr()).isZero();
        Files.walk(in.resolve(".cairn")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());

        Path chunked = work.resolve("pc-" + pair.replace('>', '-'));
        Path plain = work.resolve("pu-" + pair.replace('>', '-'));
        CliProcess.Result c = run(in, chunked, to, 700);
        assertThat(c.exitCode()).as("chunked run; stderr:%n%s", c.stderr()).isZero();
        assertThat(JSON.readTree(c.lastStdoutLine()).get("counts").get("done").asInt()).as("chunks").isEqualTo(8);
        CliProcess.Result u = run(in, plain, to, 0);
        assertThat(u.exitCode()).as("unchunked run; stderr:%n%s", u.stderr()).isZero();
        if (to.equals("gpkg")) {
            assertThat(rows(chunked.resolve("roads.gpkg"))).isEqualTo(rows(plain.resolve("roads.gpkg"))).hasSize(5_002);
        } else {
            assertThat(digests(chunked)).isEqualTo(digests(plain)).isNotEmpty();
        }
        assertNoHiddenLeftovers(chunked);
    }

    /** Every row of the roads layer in fid order, then its table definition and contents entry (without the time). */
    private static List<String> rows(Path gpkg) throws Exception {
        List<String> out = new ArrayList<>();
        try (var c = GpkgCompare.open(gpkg); var s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT * FROM roads ORDER BY fid")) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        sb.append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v)).append('|');
                    }
                    out.add(sb.toString());
                }
            }
            try (var rs = s.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'roads'")) {
                out.add(rs.next() ? rs.getString(1) : "no table");
            }
            try (var rs = s.executeQuery("SELECT table_name, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents")) {
                out.add(rs.next() ? rs.getString(1) + rs.getDouble(2) + rs.getDouble(3) + rs.getDouble(4) + rs.getDouble(5)
                        + rs.getInt(6) : "no contents");
            }
        }
        return out;
    }

    @Test
    void killLoopDuringAChunkedExportEndsWithTheUnchunkedFile() throws Exception {
        Path reference = work.resolve("reference");
        long t0 = System.nanoTime();
        CliProcess.Result ref = run(input, reference, "fgb", 0);
        long referenceMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ref.exitCode()).as("reference; stderr:%n%s", ref.stderr()).isZero();

        Path out = work.resolve("killed");
        Path logs = work.resolve("logs-killed");
        killThenFinish(input, out, "fgb", CHUNK, CHUNKS, referenceMillis, logs);
        assertThat(digests(out)).isEqualTo(digests(reference));
        assertNoHiddenLeftovers(out);

        // A changed output: verify --repair sends its chunks back, and the next run rebuilds it
        // (the published mark is cleared, so the chunks do not take the changed file for done).
        Path file = out.resolve("big.fgb");
        Files.write(file, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
        assertThat(CliProcess.run(logs, RUN_TIMEOUT, "verify", out.toString(), "--repair").exitCode()).isEqualTo(12);
        assertThat(CliProcess.run(logs, RUN_TIMEOUT, args(input, out, "fgb", CHUNK)).exitCode()).isZero();
        assertThat(digests(out)).isEqualTo(digests(reference));
        // reset --all: every chunk again, the output rewritten in place
        assertThat(CliProcess.run(logs, RUN_TIMEOUT, "reset", out.toString(), "--all").exitCode()).isZero();
        try (Stream<Path> marks = Files.list(out.resolve(".cairn").resolve("published"))) {
            assertThat(marks.toList()).as("published marks after reset --all").isEmpty();
        }
        CliProcess.Result again = CliProcess.run(logs, RUN_TIMEOUT, args(input, out, "fgb", CHUNK));
        assertThat(again.exitCode()).isZero();
        assertThat(JSON.readTree(again.lastStdoutLine()).get("done_this_run").asInt()).isEqualTo(CHUNKS);
        assertThat(digests(out)).isEqualTo(digests(reference));
        assertNoHiddenLeftovers(out);
    }

    /**
     * A Shapefile input chunked by position into FlatGeobuf (each chunk encodes its part file, the
     * last one merges them), killed and resumed: the same file as an unchunked run, byte for byte,
     * every chunk completed once, no part or temp file left.
     */
    @Test
    void killLoopOnPositionChunksIntoFlatGeobufEndsWithTheUnchunkedFile() throws Exception {
        Path source = work.resolve("shp-source");
        SampleData.writeGpkg(source.resolve("plots.gpkg"), List.of(new LayerSpec("plots", GeometryKind.POLYGON, 32632,
                SHP_FEATURES)), SEED + 5);
        Path in = work.resolve("shp-in");
        CliProcess.Result made = run(source, in, "shp", 0);
        assertThat(made.exitCode()).as("making the input; stderr:%n%s", made.stderr()).isZero();
        Files.walk(in.resolve(".cairn")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());

        Path reference = work.resolve("shp-reference");
        long t0 = System.nanoTime();
        CliProcess.Result ref = run(in, reference, "fgb", 0);
        long referenceMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ref.exitCode()).as("reference; stderr:%n%s", ref.stderr()).isZero();

        Path out = work.resolve("shp-killed");
        int chunks = (SHP_FEATURES + SHP_CHUNK - 1) / SHP_CHUNK;
        killThenFinish(in, out, "fgb", SHP_CHUNK, chunks, referenceMillis, work.resolve("logs-shp"));
        assertThat(digests(out)).isEqualTo(digests(reference)).containsKey("plots.fgb");
        assertNoHiddenLeftovers(out);
    }

    /**
     * SIGKILLs of the real CLI at moments spread over the first 80 % of an uninterrupted run's
     * length (each killed run still commits chunks, so later runs have less to do), then runs to
     * the end: every one of {@code chunks} chunks completed exactly once.
     */
    private static void killThenFinish(Path in, Path out, String format, int chunk, int chunks, long referenceMillis,
            Path logs) throws Exception {
        KillLoop.Outcome killed = KillLoop.of(logs, args(in, out, format, chunk))
                .seed(SEED)
                .kills(KILLS)
                .window(400, referenceMillis * 4 / 5, 4)
                .minLanded(3)
                .finalRuns(3, RUN_TIMEOUT)
                .run();
        log("%s: reference %d ms; %d kills landed: %s", out.getFileName(), referenceMillis, killed.landed(), killed.phases());
        CliProcess.Result last = killed.last();
        JsonNode summary = JSON.readTree(last.lastStdoutLine());
        assertThat(summary.get("counts").get("done").asInt()).isEqualTo(chunks);
        assertThat(doneEvents(out)).hasSize(chunks)
                .allSatisfy((id, n) -> assertThat(n).as("completions of %s", id).isEqualTo(1));
        log("final: %s", last.lastStdoutLine());
    }

    /**
     * A GeoJSON input chunked through its byte index, killed and resumed: every resumed process
     * re-plans (a new schema pass and index) and each chunk reads from its own offset; the result
     * equals an unchunked run row for row.
     */
    @Test
    void killLoopOnAChunkedGeoJsonInputEndsWithTheUnchunkedRows() throws Exception {
        Path source = work.resolve("gj-source");
        SampleData.writeGpkg(source.resolve("roads.gpkg"), List.of(new LayerSpec("roads", GeometryKind.LINESTRING, 32632,
                GEOJSON_FEATURES)), SEED + 4);
        Path in = work.resolve("gj-in");
        CliProcess.Result made = run(source, in, "geojson", 0);
        assertThat(made.exitCode()).as("making the input; stderr:%n%s", made.stderr()).isZero();
        Files.walk(in.resolve(".cairn")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());

        Path reference = work.resolve("gj-reference");
        long t0 = System.nanoTime();
        CliProcess.Result ref = run(in, reference, "gpkg", 0);
        long referenceMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ref.exitCode()).as("reference; stderr:%n%s", ref.stderr()).isZero();

        Path out = work.resolve("gj-killed");
        int chunks = (GEOJSON_FEATURES + GEOJSON_CHUNK - 1) / GEOJSON_CHUNK;
        killThenFinish(in, out, "gpkg", GEOJSON_CHUNK, chunks, referenceMillis, work.resolve("logs-gj"));
        assertThat(rows(out.resolve("roads.gpkg"))).isEqualTo(rows(reference.resolve("roads.gpkg")))
                .hasSize(GEOJSON_FEATURES + 2);
        assertNoHiddenLeftovers(out);
    }

    private static CliProcess.Result run(Path in, Path out, String format, int chunk) throws Exception {
        return CliProcess.run(work.resolve("logs"), RUN_TIMEOUT, args(in, out, format, chunk));
    }

    private static String[] args(Path in, Path out, String format, int chunk) {
        return new String[] {"convert", in.toString(), "-o", out.toString(), "--to", "EPSG:4326", "--format", format,
            "--workers", "2", "--chunk-features", Integer.toString(chunk), "--json"};
    }

    /** SHA-256 of every visible output file, by name. */
    private static Map<String, String> digests(Path out) throws Exception {
        Map<String, String> d = new TreeMap<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                d.put(f.getFileName().toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return d;
    }

    private static void assertNoHiddenLeftovers(Path out) throws Exception {
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") && !n.equals(".cairn"))
                    .toList()).as("temp or staging files left in %s", out).isEmpty();
        }
    }

    private static Map<String, Integer> doneEvents(Path out) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        try (var c = GpkgCompare.open(out.resolve(".cairn").resolve("checkpoint.db"));
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT asset_id, count(*) FROM event WHERE kind = 'done' GROUP BY 1")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getInt(2));
            }
        }
        return counts;
    }

    private static void log(String format, Object... args) {
        System.out.printf("[ChunkedExportIT] " + format + "%n", args);
    }
}
