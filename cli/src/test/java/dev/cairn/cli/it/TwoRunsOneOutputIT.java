package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cli.gdal.RasterFixture;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs of one command on one output directory, started at the same instant (issue 12, item
 * 3): the two processes (two pids, so two worker ids, as two containers sharing a volume would be)
 * share the SQLite checkpoint and cooperate through its leases. Each round starts two
 * {@code cairn convert} processes back to back with {@link ProcessBuilder}s, on a fresh OUTDIR and
 * on one a killed run left half-finished; both must exit 0, the output must equal a single run's
 * feature for feature, and every asset must be done exactly once (one {@code done} event each).
 * A race in job creation, schema creation, planning or output staging shows as a failed run, a
 * duplicated asset or a different output. The same for two {@code cairn warp} and two
 * {@code cairn tiles} into one {@code .mbtiles} file. Rounds: {@value #ROUNDS} and {@value #HALF_ROUNDS}, or
 * {@value #HEAVY_ROUNDS} each with {@code -Pheavy}.
 */
class TwoRunsOneOutputIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final int ROUNDS = 20;
    private static final int HALF_ROUNDS = 5;
    private static final int HEAVY_ROUNDS = 200;
    private static final boolean HEAVY = Boolean.getBoolean("cairn.heavy");

    @TempDir
    static Path dir;
    static Path input;
    static Path reference;
    static TreeSet<String> assets;

    @BeforeAll
    static void inputsAndReference() throws Exception {
        input = dir.resolve("in");
        for (int i = 0; i < 4; i++) {
            SampleData.writeGpkg(input.resolve("part" + i + ".gpkg"),
                    List.of(new LayerSpec("roads", GeometryKind.LINESTRING, 2056, 400)), 10 + i);
        }
        // chunked: its chunks commit into one staging file, the contended path
        SampleData.writeGpkg(input.resolve("big.gpkg"), List.of(new LayerSpec("parcels", GeometryKind.POLYGON, 2056, 6000)), 99);
        reference = dir.resolve("reference");
        CliProcess.Result ref = CliProcess.run(dir.resolve("logs"), TIMEOUT, args(reference));
        assertThat(ref.exitCode()).as(ref.stderr()).isZero();
        assets = new TreeSet<>(CheckpointEvents.count(reference, "done").keySet());
        assertThat(assets).hasSizeGreaterThan(5);
    }

    private static String[] args(Path out) {
        return new String[] {"convert", input.toString(), "-o", out.toString(), "--chunk-features", "1000",
                "--workers", "2", "--json"};
    }

    @Test
    void twoRunsStartedTogetherOnAFreshOutdirBothFinishAndDoEveryAssetOnce() throws Exception {
        int rounds = HEAVY ? HEAVY_ROUNDS : ROUNDS;
        for (int round = 0; round < rounds; round++) {
            Path out = dir.resolve("fresh-" + round);
            startTogetherAndCheck(out, "fresh round " + round);
        }
        System.out.printf("[TwoRunsOneOutputIT] %d rounds of two runs started together on a fresh OUTDIR: all exit 0%n",
                rounds);
    }

    @Test
    void twoRunsStartedTogetherOnAHalfFinishedOutdirBothFinishAndDoEveryAssetOnce() throws Exception {
        int rounds = HEAVY ? HEAVY_ROUNDS : HALF_ROUNDS;
        for (int round = 0; round < rounds; round++) {
            Path out = dir.resolve("half-" + round);
            CliProcess first = CliProcess.start(dir.resolve("logs"), args(out));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!first.stderrSoFar().contains("\"asset_done\"") && first.process().isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            first.kill();
            startTogetherAndCheck(out, "half-finished round " + round);
        }
        System.out.printf("[TwoRunsOneOutputIT] %d rounds of two runs started together on a half-finished OUTDIR:"
                + " all exit 0%n", rounds);
    }

    private static final int RASTER_ROUNDS = 3;

    @Test
    void twoWarpsAndTwoTilesIntoOneMbtilesStartedTogetherBothFinishWithTheOutputOfOneRun() throws Exception {
        RasterFixture.assumeGdal();
        Path tif = RasterFixture.geotiff(dir.resolve("raster"), "scene", 1500, 1200, 3, "Byte", "EPSG:32633", 500000,
                5400000, 515000, 5388000, null, 21L, "TILED=YES", "COMPRESS=DEFLATE");
        java.util.function.Function<Path, String[]> warp = out -> new String[] {"warp", tif.toString(), "-o",
                out.toString(), "--to", "EPSG:3857", "--block-size", "256", "--workers", "2", "--json"};
        java.util.function.Function<Path, String[]> tiles = out -> new String[] {"tiles", tif.toString(), "-o",
                out.toString(), "--zoom", "8-12", "--workers", "2", "--json"};
        Path warpRef = dir.resolve("warp-ref");
        Path tilesRef = dir.resolve("tiles-ref").resolve("scene.mbtiles");
        assertThat(CliProcess.run(dir.resolve("logs"), TIMEOUT, warp.apply(warpRef)).exitCode()).isZero();
        assertThat(CliProcess.run(dir.resolve("logs"), TIMEOUT, tiles.apply(tilesRef)).exitCode()).isZero();
        int rounds = HEAVY ? HEAVY_ROUNDS / 10 : RASTER_ROUNDS;
        for (int round = 0; round < rounds; round++) {
            Path warpOut = dir.resolve("warp-" + round);
            bothExitZero(warp.apply(warpOut), "warp round " + round);
            assertThat(RasterFixture.sha256(warpOut.resolve("scene.tif"))).as("warp round %d", round)
                    .isEqualTo(RasterFixture.sha256(warpRef.resolve("scene.tif")));
            assertThat(CheckpointEvents.count(warpOut, "done").values()).as("warp round %d", round).containsOnly(1);

            Path tilesOut = dir.resolve("tiles-" + round).resolve("scene.mbtiles");
            bothExitZero(tiles.apply(tilesOut), "tiles round " + round);
            assertThat(MbtilesContent.tiles(tilesOut)).as("tiles round %d", round).isEqualTo(MbtilesContent.tiles(tilesRef));
            assertThat(CheckpointEvents.count(tilesOut, "done").values()).as("tiles round %d", round).containsOnly(1);
        }
        System.out.printf("[TwoRunsOneOutputIT] %d rounds of two warps and of two tiles into one .mbtiles started"
                + " together: all exit 0%n", rounds);
    }

    private static void bothExitZero(String[] args, String what) throws Exception {
        CliProcess a = CliProcess.start(dir.resolve("logs"), args);
        CliProcess b = CliProcess.start(dir.resolve("logs"), args);
        for (CliProcess.Result r : List.of(a.await(TIMEOUT), b.await(TIMEOUT))) {
            assertThat(r.exitCode()).as("%s: exit code; stderr:%n%s", what, r.stderr()).isZero();
            assertThat(r.stderrEvents()).as(what).noneMatch(e -> e.has("stack_trace"));
        }
    }

    private static void startTogetherAndCheck(Path out, String what) throws Exception {
        Map<String, Integer> doneBefore = CheckpointEvents.count(out, "done");
        CliProcess a = CliProcess.start(dir.resolve("logs"), args(out));
        CliProcess b = CliProcess.start(dir.resolve("logs"), args(out));
        List<CliProcess.Result> results = new ArrayList<>();
        results.add(a.await(TIMEOUT));
        results.add(b.await(TIMEOUT));
        for (CliProcess.Result r : results) {
            assertThat(r.exitCode()).as("%s: exit code; stderr:%n%s", what, r.stderr()).isZero();
            assertThat(r.stderrEvents()).as(what).noneMatch(e -> e.has("stack_trace"));
        }
        JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(results.get(1).lastStdoutLine());
        assertThat(summary.get("counts").get("done").asInt()).as(what).isEqualTo(assets.size());
        Map<String, Integer> done = CheckpointEvents.count(out, "done");
        assertThat(done.keySet()).as("%s: assets done", what).isEqualTo(assets);
        for (String asset : assets) {
            assertThat(done.get(asset)).as("%s: done events of %s, in all runs on this OUTDIR (before these two: %s)",
                    what, asset, doneBefore.get(asset)).isEqualTo(1);
        }
        assertThat(GpkgCompare.tempLeftovers(out)).as(what).isEmpty();
        GpkgCompare cmp = GpkgCompare.trees(reference, out);
        assertThat(cmp.differences()).as("%s: differences from a single run", what).isEmpty();
    }
}
