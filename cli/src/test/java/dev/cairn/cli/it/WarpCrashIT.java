package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.gdal.RasterFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once windows for {@code cairn warp} (DESIGN §2): a 6000×5000 RGB GeoTIFF is warped into a
 * COG in windows of 256-pixel blocks by two workers, while the real CLI is killed with SIGKILL at
 * seeded random moments (mid-window, at window commits, while overviews are built and the COG is
 * written) and run again until it exits 0. The COG must be byte for byte the one an uninterrupted
 * run writes, no temp or staging file may be left, and the checkpoint's event log must show every
 * window completed exactly once.
 */
class WarpCrashIT {
    private static final long SEED = 20_261_207L;
    private static final int KILLS = 10;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static Path input;
    static Path reference;
    static long referenceMillis;
    static int windows;
    /** From the reference run: start-up until the plan is made, and the wall time per window after it. */
    static long startupMillis;
    static long perWindowMillis;

    @BeforeAll
    static void inputAndReferenceRun() throws Exception {
        RasterFixture.assumeGdal();
        input = RasterFixture.geotiff(work.resolve("in"), "scene", 6000, 5000, 3, "Byte", "EPSG:32633", 500000, 5400000,
                590000, 5325000, null, SEED, "TILED=YES", "COMPRESS=DEFLATE");
        reference = work.resolve("out-ref");
        long t0 = System.nanoTime();
        java.time.Instant launched = java.time.Instant.now();
        CliProcess.Result ref = CliProcess.run(work.resolve("logs-ref"), RUN_TIMEOUT, args(reference));
        referenceMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ref.exitCode()).as("reference run; stderr:%n%s", ref.stderr()).isZero();
        windows = JSON.readTree(ref.lastStdoutLine()).get("counts").get("done").asInt();
        assertThat(windows).isGreaterThan(8);
        java.time.Instant planned = java.time.Instant.parse(ref.event("planned").get("@timestamp").asText());
        java.time.Instant lastDone = ref.events("asset_done").stream()
                .map(e -> java.time.Instant.parse(e.get("@timestamp").asText())).max(java.util.Comparator.naturalOrder())
                .orElseThrow();
        startupMillis = Duration.between(launched, planned).toMillis();
        perWindowMillis = Math.max(50, Duration.between(planned, lastDone).toMillis() / windows);
        log("reference run: %d windows, %d ms wall, %d ms to the plan, %d ms per window", windows, referenceMillis,
                startupMillis, perWindowMillis);
    }

    @Test
    void warpKilledAgainAndAgainEndsByteIdenticalToAnUninterruptedRun() throws Exception {
        Path out = work.resolve("out-killed");
        KillLoop.Outcome killed = KillLoop.of(work.resolve("logs-killed"), args(out))
                .seed(SEED)
                .kills(KILLS)
                // kills from late start-up to about four windows of work: every run commits a few
                // windows at most, so the kills land mid-window, at commits and, late, while publishing
                .window(startupMillis * 3 / 4, startupMillis / 4 + 4 * perWindowMillis, 5)
                .inspectEachRun(run -> run.killed() ? events(out, "done").size() + " windows done" : "exited")
                .minLanded(5)
                .finalRuns(3, RUN_TIMEOUT)
                .run();
        log("%d kills landed: %s", killed.landed(), killed.phases());

        Map<String, Integer> done = events(out, "done");
        assertThat(done).hasSize(windows).allSatisfy((id, n) -> assertThat(n).as("completions of %s", id).isEqualTo(1));
        int redone = events(out, "claimed").values().stream().mapToInt(Integer::intValue).sum() - windows;
        log("windows redone: %d", redone);
        assertThat(redone).as("windows redone").isLessThanOrEqualTo(2 * killed.landed());

        assertThat(RasterFixture.sha256(out.resolve("scene.tif"))).as("the COG of the killed runs")
                .isEqualTo(RasterFixture.sha256(reference.resolve("scene.tif")));
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".cairn-tmp") || n.contains(".cairn-stage")).toList())
                    .as("temp and staging files left behind").isEmpty();
        }
    }


    /** Events of one kind per asset id, from the checkpoint's append-only event log. */
    private static Map<String, Integer> events(Path out, String kind) throws Exception {
        return CheckpointEvents.count(out, kind);
    }

    private static String[] args(Path out) {
        return new String[] {"warp", input.toString(), "-o", out.toString(), "--to", "EPSG:3857", "--resampling", "bilinear",
            "--block-size", "256", "--workers", "2", "--json"};
    }

    private static void log(String format, Object... args) {
        System.out.printf("[WarpCrashIT] " + format + "%n", args);
    }
}
