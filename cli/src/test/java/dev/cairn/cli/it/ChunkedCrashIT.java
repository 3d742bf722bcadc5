package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once for chunked layers (DESIGN §2.2–2.4): one GeoPackage whose main layer holds
 * 1,000,000 features (plus a small second layer) is converted in chunks of 100,000 features by
 * two workers, while the real CLI is killed with SIGKILL at seeded random moments (mid-chunk,
 * at chunk commits, during finalisation) and re-run until it exits 0. The output must equal,
 * feature by feature, both an uninterrupted chunked run and an unchunked run; no temp or staging
 * file may be left; and the checkpoint's event log must show every chunk completed exactly once
 * (a chunk that was in flight at a kill was rolled back and redone, never committed twice).
 */
class ChunkedCrashIT {
    private static final long SEED = 20_240_611L;
    private static final int KILLS = 12;
    private static final int FEATURES = 1_000_000;
    private static final int SMALL_FEATURES = 3_000;
    private static final int CHUNK = 100_000;
    private static final int CHUNKS = FEATURES / CHUNK + 1; // the small layer is one chunk
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static Path input;
    static Path reference;
    static long referenceMillis;

    @BeforeAll
    static void generateInputAndReferenceRun() throws Exception {
        input = work.resolve("in");
        long t0 = System.nanoTime();
        SampleData.writeGpkg(input.resolve("huge.gpkg"), List.of(
                new LayerSpec("addresses", GeometryKind.POINT, 2056, FEATURES),
                new LayerSpec("parcels", GeometryKind.POLYGON, 32632, SMALL_FEATURES)), SEED);
        log("generated %d features in %d ms", FEATURES + SMALL_FEATURES, (System.nanoTime() - t0) / 1_000_000);

        reference = work.resolve("out-ref");
        long t1 = System.nanoTime();
        CliProcess.Result ref = CliProcess.run(work.resolve("logs-ref"), RUN_TIMEOUT, convertArgs(reference, CHUNK));
        referenceMillis = (System.nanoTime() - t1) / 1_000_000;
        assertThat(ref.exitCode()).as("reference run; stderr:%n%s", ref.stderr()).isZero();
        JsonNode summary = JSON.readTree(ref.lastStdoutLine());
        assertThat(summary.get("counts").get("done").asInt()).isEqualTo(CHUNKS);
        assertThat(summary.get("features").asLong()).isEqualTo(FEATURES + SMALL_FEATURES);
        log("chunked reference run: %d ms wall, %s", referenceMillis, ref.lastStdoutLine());
    }

    @Test
    void chunkedRunEqualsUnchunkedRun() throws Exception {
        Path out = work.resolve("out-unchunked");
        long t0 = System.nanoTime();
        CliProcess.Result run = CliProcess.run(work.resolve("logs-unchunked"), RUN_TIMEOUT, convertArgs(out, 0));
        assertThat(run.exitCode()).as("unchunked run; stderr:%n%s", run.stderr()).isZero();
        log("unchunked run: %d ms wall (chunked: %d ms), %s", (System.nanoTime() - t0) / 1_000_000, referenceMillis,
                run.lastStdoutLine());
        assertThat(JSON.readTree(run.lastStdoutLine()).get("counts").get("done").asInt()).isEqualTo(1);
        assertSame(out, reference);
        assertThat(metadata(out)).isEqualTo(metadata(reference));
    }

    @Test
    void killLoopInsideOneChunkedLayerLosesAndDuplicatesNothing() throws Exception {
        Path out = work.resolve("out-killed");
        // Kill moments: stratified over a window of start-up plus about three chunks, so that
        // every run makes some progress and kills land in every phase of a chunk.
        long perChunk = Math.max(200, referenceMillis / CHUNKS);
        long span = 1_500 + 3 * perChunk;
        KillLoop.Outcome killed = KillLoop.of(work.resolve("logs-killed"), convertArgs(out, CHUNK))
                .seed(SEED + 1)
                .kills(KILLS)
                .window(500, span, 4)
                .inspectEachRun(run -> run.killed()
                        ? doneEvents(out).values().stream().mapToInt(Integer::intValue).sum() + " done" : "exited")
                .minLanded(10)
                .finalRuns(4, RUN_TIMEOUT)
                .run();
        int landed = killed.landed();
        log("%d kills landed: %s", landed, killed.phases());
        CliProcess.Result last = killed.last();
        JsonNode summary = JSON.readTree(last.lastStdoutLine());
        assertThat(summary.get("counts").get("done").asInt()).isEqualTo(CHUNKS);
        assertThat(summary.get("features").asLong()).as("features of the chunks done over all runs")
                .isLessThanOrEqualTo(FEATURES + SMALL_FEATURES);

        // Bounded rework, exactly once: the checkpoint records one completion per chunk over all
        // runs; the claims beyond one per chunk are the chunks in flight at a kill (redone).
        Map<String, Integer> done = doneEvents(out);
        Map<String, Integer> claims = events(out, "claimed");
        int redone = claims.values().stream().mapToInt(Integer::intValue).sum() - CHUNKS;
        log("final run: %s; chunk completions %d of %d, chunks redone %d (claims per chunk %s)",
                last.lastStdoutLine(), done.values().stream().mapToInt(Integer::intValue).sum(), CHUNKS, redone, claims);
        assertThat(done).hasSize(CHUNKS).allSatisfy((id, n) -> assertThat(n).as("completions of %s", id).isEqualTo(1));
        assertThat(redone).as("chunks redone").isLessThanOrEqualTo(2 * landed); // at most the 2 in flight per kill

        assertSame(out, reference);
        assertThat(metadata(out)).isEqualTo(metadata(reference));
    }

    private static void assertSame(Path out, Path expected) throws Exception {
        assertThat(GpkgCompare.tempLeftovers(out)).as("temp files left behind").isEmpty();
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.filter(p -> p.getFileName().toString().contains(".cairn-stage")).toList())
                    .as("staging files left behind").isEmpty();
        }
        Path gpkg = out.resolve("huge.gpkg");
        assertThat(GpkgCompare.integrityCheck(gpkg)).isEqualTo("ok");
        GpkgCompare cmp = GpkgCompare.trees(expected, out);
        assertThat(cmp.differences()).as("differences from %s", expected.getFileName()).isEmpty();
        assertThat(cmp.featuresCompared()).isEqualTo(FEATURES + SMALL_FEATURES);
        log("%s: %d features equal to %s, integrity ok, no leftovers", out.getFileName(), cmp.featuresCompared(),
                expected.getFileName());
    }

    /** Layer metadata that must not depend on chunking: contents extents, geometry columns, R-tree sizes, helper tables. */
    private static List<String> metadata(Path out) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = GpkgCompare.open(out.resolve("huge.gpkg")); Statement s = c.createStatement()) {
            query(s, "SELECT table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents ORDER BY 1", rows);
            query(s, "SELECT * FROM gpkg_geometry_columns ORDER BY 1", rows);
            query(s, "SELECT table_name, column_name, extension_name, scope FROM gpkg_extensions ORDER BY 1", rows);
            query(s, "SELECT srs_id, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys ORDER BY 1", rows);
            query(s, "SELECT name FROM sqlite_master WHERE name LIKE 'cairn%' OR type = 'trigger' ORDER BY 1", rows);
            query(s, "SELECT count(*), min(minx), max(maxy) FROM rtree_addresses_geom", rows);
            query(s, "SELECT count(*), min(minx), max(maxy) FROM rtree_parcels_geom", rows);
            query(s, "PRAGMA freelist_count", rows);
        }
        return rows;
    }

    private static void query(Statement s, String sql, List<String> rows) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                rows.add(sb.toString());
            }
        }
    }

    private static Map<String, Integer> doneEvents(Path out) throws Exception {
        return events(out, "done");
    }

    /** Events of one kind per asset id, from the checkpoint's append-only event log. */
    private static Map<String, Integer> events(Path out, String kind) throws Exception {
        return CheckpointEvents.count(out, kind);
    }

    private static String[] convertArgs(Path out, int chunk) {
        return new String[] {"convert", input.toString(), "-o", out.toString(), "--to", "EPSG:4326", "--workers", "2",
            "--chunk-features", Integer.toString(chunk), "--json"};
    }

    private static void log(String format, Object... args) {
        System.out.printf("[ChunkedCrashIT] " + format + "%n", args);
    }
}
