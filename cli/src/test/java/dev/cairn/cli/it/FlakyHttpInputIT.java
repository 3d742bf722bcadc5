package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.gdal.RasterFixture;
import dev.cairn.raster.testing.FaultyHttpServer;
import dev.cairn.raster.testing.FaultyHttpServer.Fault;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP inputs that misbehave, end to end from the real CLI (issue 12, item 5). A GeoTIFF is
 * served by {@link FaultyHttpServer}, which answers 503 with Retry-After for a while, resets a
 * connection mid-body, stalls mid-body longer than the read timeout (30 s) and answers 500, one
 * fault per request, before it serves normally: {@code cairn warp URL} and {@code cairn tiles URL}
 * finish (exit 0) with output identical to the same command on the local file. A URL that always
 * answers 503, and one whose port refuses connections, each end as a dead letter naming the URL
 * and the cause, with exit 12 (the good input is done), within a bound derived from the retry
 * budget (not a speed test: the bound only proves there is no hang).
 *
 * <pre>
 *   retry budget of one asset (RetrySettings, IoOptions defaults)
 *   3 tries of the asset, 0.5 s and 1 s apart (+25 %)
 *     x 5 attempts of a request, 0.2, 0.4, 0.8, 1.6 s apart (+25 %), each at most 10 s connect + 30 s answer
 *   a 503 arrives at once: about 3 x (4 s) + 2 s = 14 s; the bound asserted is 120 s
 * </pre>
 */
class FlakyHttpInputIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    private static final Duration DEAD_URL_BOUND = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path served;
    static Path local;

    @BeforeAll
    static void input() throws Exception {
        RasterFixture.assumeGdal();
        served = dir.resolve("served");
        local = RasterFixture.geotiff(served, "scene", 1200, 900, 3, "Byte", "EPSG:32633", 500000, 5400000,
                512000, 5391000, null, 11L, "TILED=YES", "COMPRESS=DEFLATE");
        Files.copy(local, served.resolve("dead.tif"));
    }

    private static CliProcess.Result cairn(String... args) throws Exception {
        return CliProcess.run(dir.resolve("logs"), TIMEOUT, args);
    }

    /** 503 with Retry-After 1 s four times, a reset mid-body, a stall mid-body past the read timeout, a 500. */
    private static void injectOutage(FaultyHttpServer server, String path) {
        server.inject(path, Fault.times(4, Fault.retryAfter(503, 1)));
        server.inject(path, Fault.resetMidBody(), Fault.stallMidBody(Duration.ofSeconds(40)), Fault.status(500));
    }

    private static String[] warp(String in, Path out) {
        return new String[] {"warp", in, "-o", out.toString(), "--to", "EPSG:3857", "--workers", "2", "--json"};
    }

    @Test
    void warpOfAFlakyUrlFinishesWhenTheServerRecoversWithTheOutputOfTheLocalFile() throws Exception {
        Path ref = dir.resolve("warp-local");
        CliProcess.Result local = cairn(warp(FlakyHttpInputIT.local.toString(), ref));
        assertThat(local.exitCode()).as(local.stderr()).isZero();
        try (FaultyHttpServer server = FaultyHttpServer.serving(served)) {
            injectOutage(server, "scene.tif");
            Path out = dir.resolve("warp-http");
            CliProcess.Result r = cairn(warp(server.url("scene.tif"), out));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(server.log()).as("the faults were served").anyMatch(q -> q.status() == 503)
                    .anyMatch(q -> q.status() == 500);
            assertThat(RasterFixture.sha256(out.resolve("scene.tif"))).as("the COG warped over flaky HTTP")
                    .isEqualTo(RasterFixture.sha256(ref.resolve("scene.tif")));
        }
    }

    @Test
    void tilesOfAFlakyUrlFinishWhenTheServerRecoversWithTheTilesOfTheLocalFile() throws Exception {
        Path ref = dir.resolve("tiles-local").resolve("scene.mbtiles");
        String[] zoom = {"--zoom", "9-12", "--workers", "2"};
        CliProcess.Result local = cairn(concat(new String[] {"tiles", FlakyHttpInputIT.local.toString(), "-o",
                ref.toString()}, zoom));
        assertThat(local.exitCode()).as(local.stderr()).isZero();
        try (FaultyHttpServer server = FaultyHttpServer.serving(served)) {
            injectOutage(server, "scene.tif");
            Path out = dir.resolve("tiles-http").resolve("scene.mbtiles");
            CliProcess.Result r = cairn(concat(new String[] {"tiles", server.url("scene.tif"), "-o", out.toString()}, zoom));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(server.log()).anyMatch(q -> q.status() == 503);
            assertThat(MbtilesContent.tiles(out)).isEqualTo(MbtilesContent.tiles(ref));
        }
    }

    @Test
    void aUrlThatAlwaysAnswers503AndOneThatRefusesConnectionsAreDeadLettersWithinTheRetryBudget() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (FaultyHttpServer server = FaultyHttpServer.serving(served)) {
            server.inject("dead.tif", Fault.times(10_000, Fault.status(503)));
            String refused = "http://127.0.0.1:" + closedPort + "/gone.tif";
            Path out = dir.resolve("dead");
            long t0 = System.nanoTime();
            CliProcess.Result r = cairn("warp", server.url("scene.tif"), server.url("dead.tif"), refused, "-o",
                    out.toString(), "--to", "EPSG:3857", "--workers", "2", "--json");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.out.printf("[FlakyHttpInputIT] a run with a URL always answering 503 and one refusing connections"
                    + " ended (exit %d) in %.1f s%n", r.exitCode(), took.toMillis() / 1000.0);
            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(12);
            assertThat(took).as("no hang: within the retry budget and slack").isLessThan(DEAD_URL_BOUND);
            assertThat(out.resolve("scene.tif")).exists();

            CliProcess.Result failures = cairn("failures", out.toString(), "--json");
            assertThat(failures.exitCode()).as(failures.stderr()).isZero();
            JsonNode report = JSON.readTree(failures.lastStdoutLine());
            assertThat(report.get("count").asInt()).isEqualTo(2);
            List<String> messages = new ArrayList<>();
            for (JsonNode f : report.get("failures")) {
                messages.add(f.get("message").asText());
                assertThat(f.get("message").asText()).doesNotContain("\n").doesNotContain("\tat ");
            }
            assertThat(messages).anyMatch(m -> m.contains("dead.tif") && m.contains("503"));
            assertThat(messages).anyMatch(m -> m.contains("gone.tif"));
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
