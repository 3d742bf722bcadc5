package dev.cairn.cli.gdal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.it.CliProcess;
import dev.cairn.raster.testing.FaultyHttpServer;
import dev.cairn.raster.testing.FaultyHttpServer.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn warp} of {@code http://} inputs, end to end, against a local server that injects
 * the faults of real networks: transient errors (503, 429 with Retry-After, a connection reset
 * mid-body) are retried and the COG is byte for byte the one the local file gives; a URL that
 * answers 404 is a dead letter with its reason while the batch goes on; a remote file that
 * changed (new ETag) is warped again on the next run.
 */
class WarpHttpIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path dir;
    static Path served;
    static Path local;

    @BeforeAll
    static void inputs() throws Exception {
        GdalCommand.assumeInstalled();
        served = dir.resolve("served");
        RasterFixture.geotiff(served, "scene", 900, 700, 3, "Byte", "EPSG:32633", 500000, 5400000, 513500, 5389500, null,
                11, "TILED=YES", "COMPRESS=DEFLATE");
        local = dir.resolve("local-out");
        CliProcess.Result r = cairn("warp", served.resolve("scene.tif").toString(), "-o", local.toString(), "--to", "EPSG:4326", "--block-size", "256");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
    }

    /** Every run warps in 256-pixel blocks: the 900×700 input then has three windows. */
    private static CliProcess.Result cairn(String... args) throws Exception {
        return CliProcess.run(dir.resolve("logs"), TIMEOUT, args);
    }


    @Test
    void transientHttpFaultsAreRetriedAndTheCogEqualsTheOneOfTheLocalFile() throws Exception {
        try (FaultyHttpServer server = FaultyHttpServer.serving(served)) {
            // never more than two faults in a row: each read gets through within its 5 attempts
            Fault ok = Fault.delay(Duration.ZERO);
            server.inject("scene.tif", Fault.status(503), Fault.retryAfter(429, 1), ok, ok, Fault.resetMidBody(),
                    Fault.status(503), ok, Fault.status(502), ok, Fault.resetMidBody());
            Path out = dir.resolve("http-out");
            CliProcess.Result r = cairn("warp", server.url("scene.tif"), "-o", out.toString(), "--to", "EPSG:4326", "--block-size", "256",
                    "--io-concurrency", "2");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.event("planned").get("assets_new").asInt()).as("windows planned").isEqualTo(3);
            assertThat(RasterFixture.sha256(out.resolve("scene.tif")))
                    .isEqualTo(RasterFixture.sha256(local.resolve("scene.tif")));
            assertThat(server.log().stream().filter(q -> q.status() >= 500 || q.status() == 429).count())
                    .as("faults served").isGreaterThanOrEqualTo(4);
            assertThat(server.maxInFlight()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aUrlThatWasDownWhileTheJobWasPlannedIsWarpedWholeOnceItAnswers() throws Exception {
        try (FaultyHttpServer server = FaultyHttpServer.serving(served)) {
            // five 503s: planning gives up on the input (5 attempts) and plans it as one asset; the
            // worker that takes it finds the server back and warps every window of it
            server.inject("scene.tif", Fault.times(5, Fault.status(503)));
            Path out = dir.resolve("down-out");
            CliProcess.Result r = cairn("warp", server.url("scene.tif"), "-o", out.toString(), "--to", "EPSG:4326", "--block-size", "256");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.event("planned").get("assets_new").asInt()).as("planned as one asset").isEqualTo(1);
            assertThat(cairn("status", out.toString(), "--json").stdout()).contains("\"done\":1,");
            assertThat(RasterFixture.sha256(out.resolve("scene.tif")))
                    .isEqualTo(RasterFixture.sha256(local.resolve("scene.tif")));
        }
    }

    @Test
    void aUrlThatAnswers404IsADeadLetterAndTheOtherInputIsDone() throws Exception {
        try (FaultyHttpServer server = FaultyHttpServer.serving(served)) {
            Path out = dir.resolve("404-out");
            CliProcess.Result r = cairn("warp", server.url("missing.tif"), server.url("scene.tif"), "-o", out.toString(),
                    "--to", "EPSG:4326", "--block-size", "256");
            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(12);
            assertThat(out.resolve("scene.tif")).exists();
            assertThat(out.resolve("missing.tif")).doesNotExist();
            CliProcess.Result f = cairn("failures", out.toString());
            assertThat(f.stdout()).contains("missing.tif").contains("404");
            assertThat(server.requests("missing.tif")).as("a 404 is not retried").isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aRemoteFileThatChangedIsWarpedAgainOnTheNextRun() throws Exception {
        Path other = RasterFixture.geotiff(dir.resolve("other"), "scene", 900, 700, 3, "Byte", "EPSG:32633", 500000, 5400000,
                513500, 5389500, null, 99, "TILED=YES", "COMPRESS=DEFLATE");
        Path otherOut = dir.resolve("other-local-out");
        assertThat(cairn("warp", other.toString(), "-o", otherOut.toString(), "--to", "EPSG:4326", "--block-size", "256").exitCode()).isZero();
        Path root = Files.createDirectories(dir.resolve("changing"));
        Files.copy(served.resolve("scene.tif"), root.resolve("scene.tif"));
        try (FaultyHttpServer server = FaultyHttpServer.serving(root)) {
            Path out = dir.resolve("changing-out");
            String[] args = {"warp", server.url("scene.tif"), "-o", out.toString(), "--to", "EPSG:4326", "--block-size", "256"};
            assertThat(cairn(args).exitCode()).isZero();
            assertThat(RasterFixture.sha256(out.resolve("scene.tif")))
                    .isEqualTo(RasterFixture.sha256(local.resolve("scene.tif")));

            server.inject("scene.tif", Fault.replaceFile(Files.readAllBytes(other)));
            CliProcess.Result again = cairn(args);
            assertThat(again.exitCode()).as(again.stderr()).isZero();
            assertThat(again.event("planned").get("assets_changed").asInt()).as("windows re-planned").isPositive();
            assertThat(RasterFixture.sha256(out.resolve("scene.tif")))
                    .isEqualTo(RasterFixture.sha256(otherOut.resolve("scene.tif")));
        }
    }
}
