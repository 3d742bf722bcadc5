package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.gdal.RasterFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once metatiles for {@code cairn tiles} (DESIGN §2): a 3000×2500 RGB GeoTIFF is tiled at
 * zooms 6–14 by two workers into an MBTiles file and into an XYZ folder, while the real CLI is
 * killed with SIGKILL at seeded random moments (mid-metatile, while XYZ tile files are written, at
 * commits, while the lower zooms are built and the output is published) and run again until it
 * exits 0. Each must end tile for tile identical to an uninterrupted run (MBTiles: every tile's
 * bytes; XYZ: every file's bytes), with no temp or staging file left, and the checkpoint's event log
 * showing every metatile completed exactly once.
 */
class TilesCrashIT {
    private static final long SEED = 20_261_207L;
    private static final int KILLS = 12;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static Path input;
    static Path referenceMbtiles;
    static Path referenceXyz;
    static int metatiles;
    static long startupMillis;
    static long perMetatileMillis;

    @BeforeAll
    static void inputAndReferenceRuns() throws Exception {
        RasterFixture.assumeGdal();
        input = RasterFixture.geotiff(work.resolve("in"), "scene", 3000, 2500, 3, "Byte", "EPSG:32633", 500000, 5400000,
                560000, 5350000, null, SEED, "TILED=YES", "COMPRESS=DEFLATE");
        referenceMbtiles = work.resolve("ref").resolve("scene.mbtiles");
        referenceXyz = work.resolve("ref-xyz");
        java.time.Instant launched = java.time.Instant.now();
        CliProcess.Result ref = CliProcess.run(work.resolve("logs-ref"), RUN_TIMEOUT, args(referenceMbtiles));
        assertThat(ref.exitCode()).as("reference run; stderr:%n%s", ref.stderr()).isZero();
        metatiles = JSON.readTree(ref.lastStdoutLine()).get("counts").get("done").asInt();
        assertThat(metatiles).isGreaterThan(8);
        java.time.Instant planned = java.time.Instant.parse(ref.event("planned").get("@timestamp").asText());
        java.time.Instant lastDone = ref.events("asset_done").stream()
                .map(e -> java.time.Instant.parse(e.get("@timestamp").asText())).max(java.util.Comparator.naturalOrder())
                .orElseThrow();
        startupMillis = Duration.between(launched, planned).toMillis();
        perMetatileMillis = Math.max(50, Duration.between(planned, lastDone).toMillis() / metatiles);
        CliProcess.Result refXyz = CliProcess.run(work.resolve("logs-ref-xyz"), RUN_TIMEOUT, args(referenceXyz));
        assertThat(refXyz.exitCode()).as("reference XYZ run; stderr:%n%s", refXyz.stderr()).isZero();
        log("reference runs: %d metatiles, %d ms to the plan, %d ms per metatile", metatiles, startupMillis,
                perMetatileMillis);
    }

    @Test
    void mbtilesKilledAgainAndAgainEndsTileForTileIdenticalToAnUninterruptedRun() throws Exception {
        Path out = work.resolve("killed").resolve("scene.mbtiles");
        killLoop(out, "mbtiles");
        assertThat(MbtilesContent.tiles(out)).as("the tiles of the killed runs").isEqualTo(MbtilesContent.tiles(referenceMbtiles));
        assertNoLeftovers(out.getParent());
    }

    @Test
    void xyzFolderKilledAgainAndAgainEndsFileForFileIdenticalToAnUninterruptedRun() throws Exception {
        Path out = work.resolve("killed-xyz");
        killLoop(out, "xyz");
        assertThat(files(out)).as("the files of the killed runs").isEqualTo(files(referenceXyz));
        assertNoLeftovers(out);
    }

    private void killLoop(Path out, String what) throws Exception {
        KillLoop.Outcome killed = KillLoop.of(work.resolve("logs-killed-" + what), args(out))
                .seed(SEED)
                .kills(KILLS)
                // kills from late start-up to about eight metatiles of work per worker: the runs
                // commit a handful of metatiles each, so that later runs reach the last metatiles,
                // the lower zooms and the publication, and one of them runs to its end
                .window(startupMillis * 3 / 4, startupMillis / 4 + 8 * perMetatileMillis, 4)
                .inspectEachRun(run -> run.killed() ? CheckpointEvents.count(out, "done").size() + " metatiles done"
                        : "exited")
                .minLanded(3)
                .finalRuns(3, RUN_TIMEOUT)
                .run();
        log("%s: %d kills landed: %s", what, killed.landed(), killed.phases());
        Map<String, Integer> done = CheckpointEvents.count(out, "done");
        assertThat(done).hasSize(metatiles).allSatisfy((id, n) -> assertThat(n).as("completions of %s", id).isEqualTo(1));
        int redone = CheckpointEvents.count(out, "claimed").values().stream().mapToInt(Integer::intValue).sum() - metatiles;
        log("%s: metatiles redone: %d", what, redone);
        assertThat(redone).as("metatiles redone").isLessThanOrEqualTo(2 * killed.landed());
    }

    /** Every file of an XYZ folder but the checkpoint: relative path → SHA-256. */
    private static Map<String, String> files(Path dir) throws Exception {
        Map<String, String> f = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString();
                if (!rel.startsWith(".cairn")) {
                    f.put(rel, sha(Files.readAllBytes(p)));
                }
            }
        }
        assertThat(f).containsKey("metadata.json").hasSizeGreaterThan(50);
        return f;
    }

    private static void assertNoLeftovers(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".cairn-tmp") || n.contains(".cairn-stage")).toList())
                    .as("temp and staging files left behind").isEmpty();
        }
    }

    private static String sha(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String[] args(Path out) {
        return new String[] {"tiles", input.toString(), "-o", out.toString(), "--zoom", "6-14", "--workers", "2", "--json"};
    }

    private static void log(String format, Object... args) {
        System.out.printf("[TilesCrashIT] " + format + "%n", args);
    }
}
