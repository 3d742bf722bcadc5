package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.gdal.RasterFixture;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk in the middle of a conversion (DESIGN §2.5: the job's problem, not the asset's),
 * on a real small file system ({@link SmallDisk}, a tmpfs of a few MiB): once the first asset is
 * done, a ballast file fills the disk; the run stops with exit 1 and one line naming the
 * path and "no space left on device", no asset is dead-lettered, the checkpoint passes SQLite's
 * {@code integrity_check}, every output under a final name is complete (equal to the reference
 * run's) and no temp file is left; after the ballast is deleted, {@code cairn resume} finishes
 * with outputs equal feature by feature to an uninterrupted run. The same when it is the
 * checkpoint store that cannot grow, and for {@code cairn warp} (the COG is byte for byte the
 * reference's) and {@code cairn tiles} (MBTiles tile for tile).
 */
class DiskFullIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 777;
    private static final int INPUTS = 10;

    @TempDir
    Path work;

    @Test
    void aFullOutputDiskStopsTheRunWithExit1AndResumeFinishesOnceSpaceIsFreed() throws Exception {
        Path in = inputs();
        Path reference = reference(in);
        Path store = work.resolve("checkpoint.db");
        try (SmallDisk disk = SmallDisk.mount(work.resolve("small"), "24m")) {
            Path out = disk.dir().resolve("out");
            CliProcess run = CliProcess.start(work.resolve("logs"), "convert", in.toString(), "-o", out.toString(),
                    "--store", "sqlite:" + store, "--workers", "1", "--json");
            awaitFirstAssetDone(run);
            Path ballast = disk.dir().resolve("ballast");
            long filled = disk.fill(ballast);
            CliProcess.Result stopped = run.await(TIMEOUT);
            assertStoppedOnAFullDisk(stopped, out.toString(), filled);
            assertThat(GpkgCompare.integrityCheck(store)).isEqualTo("ok");
            assertCompleteOutputsOnly(reference, out);

            Files.delete(ballast);
            CliProcess.Result resumed = cairn("resume", out.toString(), "--store", "sqlite:" + store, "--json");
            assertThat(resumed.exitCode()).as("resume; stderr:%n%s", resumed.stderr()).isZero();
            assertSameAsReference(reference, out);
        }
    }

    @Test
    void aCheckpointStoreThatCannotGrowStopsTheRunWithExit1AndStaysIntact() throws Exception {
        Path in = inputs();
        Path reference = reference(in);
        Path out = work.resolve("out");
        try (SmallDisk disk = SmallDisk.mount(work.resolve("small"), "4m")) {
            Path store = disk.dir().resolve("checkpoint.db");
            CliProcess run = CliProcess.start(work.resolve("logs"), "convert", in.toString(), "-o", out.toString(),
                    "--store", "sqlite:" + store, "--workers", "1", "--json");
            awaitFirstAssetDone(run);
            Path ballast = disk.dir().resolve("ballast");
            long filled = disk.fill(ballast);
            CliProcess.Result stopped = run.await(TIMEOUT);
            assertStoppedOnAFullDisk(stopped, disk.dir().toString(), filled);
            assertThat(GpkgCompare.integrityCheck(store)).isEqualTo("ok");
            assertCompleteOutputsOnly(reference, out);

            Files.delete(ballast);
            CliProcess.Result resumed = cairn("resume", out.toString(), "--store", "sqlite:" + store, "--json");
            assertThat(resumed.exitCode()).as("resume; stderr:%n%s", resumed.stderr()).isZero();
            assertSameAsReference(reference, out);
        }
    }

    @Test
    void warpOntoAFullDiskStopsWithExit1AndResumeWritesTheSameCog() throws Exception {
        RasterFixture.assumeGdal();
        Path input = RasterFixture.geotiff(work.resolve("in"), "scene", 3000, 2500, 3, "Byte", "EPSG:32633", 500000,
                5400000, 560000, 5350000, null, SEED, "TILED=YES", "COMPRESS=DEFLATE");
        String[] warp = {"warp", input.toString(), "--to", "EPSG:3857", "--resampling", "bilinear", "--block-size",
            "256", "--workers", "1", "--json"};
        Path reference = work.resolve("reference");
        CliProcess.Result ref = cairn(with(warp, "-o", reference.toString()));
        assertThat(ref.exitCode()).as("reference run; stderr:%n%s", ref.stderr()).isZero();
        Path store = work.resolve("checkpoint.db");
        try (SmallDisk disk = SmallDisk.mount(work.resolve("small"), "48m")) {
            Path out = disk.dir().resolve("out");
            stopOnAFullDiskMidRun(disk, out.toString(), with(warp, "-o", out.toString(), "--store", "sqlite:" + store));
            assertThat(GpkgCompare.integrityCheck(store)).isEqualTo("ok");
            assertThat(out.resolve("scene.tif")).as("no COG under its final name before every window is done")
                    .doesNotExist();
            Files.delete(disk.dir().resolve("ballast"));
            CliProcess.Result resumed = cairn("resume", out.toString(), "--store", "sqlite:" + store, "--json");
            assertThat(resumed.exitCode()).as("resume; stderr:%n%s", resumed.stderr()).isZero();
            assertThat(RasterFixture.sha256(out.resolve("scene.tif"))).as("the COG after the full disk and resume")
                    .isEqualTo(RasterFixture.sha256(reference.resolve("scene.tif")));
        }
    }

    @Test
    void tilesOntoAFullDiskStopWithExit1AndResumeWritesTheSameTiles() throws Exception {
        RasterFixture.assumeGdal();
        Path input = RasterFixture.geotiff(work.resolve("in"), "scene", 3000, 2500, 3, "Byte", "EPSG:32633", 500000,
                5400000, 560000, 5350000, null, SEED, "TILED=YES", "COMPRESS=DEFLATE");
        String[] tiles = {"tiles", input.toString(), "--zoom", "6-14", "--workers", "1", "--json"};
        Path reference = work.resolve("reference").resolve("scene.mbtiles");
        CliProcess.Result ref = cairn(with(tiles, "-o", reference.toString()));
        assertThat(ref.exitCode()).as("reference run; stderr:%n%s", ref.stderr()).isZero();
        Path store = work.resolve("checkpoint.db");
        try (SmallDisk disk = SmallDisk.mount(work.resolve("small"), "320m")) {
            Path out = disk.dir().resolve("out").resolve("scene.mbtiles");
            stopOnAFullDiskMidRun(disk, out.getParent().toString(),
                    with(tiles, "-o", out.toString(), "--store", "sqlite:" + store));
            assertThat(GpkgCompare.integrityCheck(store)).isEqualTo("ok");
            assertThat(out).as("no MBTiles under its final name before every metatile is done").doesNotExist();
            Files.delete(disk.dir().resolve("ballast"));
            CliProcess.Result resumed = cairn("resume", out.toString(), "--store", "sqlite:" + store, "--json");
            assertThat(resumed.exitCode()).as("resume; stderr:%n%s", resumed.stderr()).isZero();
            assertThat(MbtilesContent.tiles(out)).as("the tiles after the full disk and resume")
                    .isEqualTo(MbtilesContent.tiles(reference));
        }
    }

    /** Starts {@code args}, fills the disk once the first asset is done, and checks how the run stops. */
    private void stopOnAFullDiskMidRun(SmallDisk disk, String pathPrefix, String... args) throws Exception {
        CliProcess run = CliProcess.start(work.resolve("logs"), args);
        awaitFirstAssetDone(run);
        long filled = disk.fill(disk.dir().resolve("ballast"));
        CliProcess.Result stopped = run.await(TIMEOUT);
        assertStoppedOnAFullDisk(stopped, pathPrefix, filled);
        assertThat(GpkgCompare.tempLeftovers(disk.dir())).isEmpty();
    }

    private static String[] with(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    /** Ten GeoPackages of about a MiB of output each: the run lasts several seconds with one worker. */
    private Path inputs() {
        Path in = work.resolve("in");
        for (int i = 0; i < INPUTS; i++) {
            SampleData.writeGpkg(in.resolve(String.format(Locale.ROOT, "parcels_%02d.gpkg", i)),
                    List.of(new LayerSpec("parcels", GeometryKind.POLYGON, 2056, 4000)), SEED + i);
        }
        return in;
    }

    private Path reference(Path in) throws Exception {
        Path ref = work.resolve("reference");
        CliProcess.Result r = cairn("convert", in.toString(), "-o", ref.toString(), "--workers", "1");
        assertThat(r.exitCode()).as("reference run; stderr:%n%s", r.stderr()).isZero();
        return ref;
    }

    /**
     * Waits for the first {@code asset_done} line, which is logged once the asset's completion is
     * committed. Waiting for the first output file instead is not enough: the output is published
     * before its completion is committed, and when the disk filled in between it is the commit
     * that fails (the asset then stays pending and is redone by resume, as it should), so the run
     * would stop with nothing done and the mid-run precondition below would not hold.
     */
    private static void awaitFirstAssetDone(CliProcess run) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!run.stderrSoFar().contains("\"asset_done\"")) {
            assertThat(run.process().isAlive()).as("the run ended before its first asset; stderr:%n%s",
                    run.stderrSoFar()).isTrue();
            assertThat(System.nanoTime()).as("first asset within %s", TIMEOUT).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void assertStoppedOnAFullDisk(CliProcess.Result stopped, String pathPrefix, long filled)
            throws Exception {
        assertThat(filled).as("the ballast took the free space").isPositive();
        assertThat(stopped.exitCode()).as("a full disk stops the run; stderr:%n%s", stopped.stderr()).isEqualTo(1);
        List<JsonNode> full = stopped.events("disk_full");
        assertThat(full).as("one disk_full line; stderr:%n%s", stopped.stderr()).hasSize(1);
        String message = full.get(0).get("message").asText();
        assertThat(message.toLowerCase(Locale.ROOT)).contains("no space left on device");
        assertThat(message).contains(pathPrefix).contains("cairn resume").doesNotContain("\n");
        assertThat(stopped.stderrEvents()).as("no stack trace").noneMatch(e -> e.has("stack_trace"));
        JsonNode counts = JSON.readTree(stopped.lastStdoutLine()).get("counts");
        assertThat(counts.get("failed").asInt()).as("no dead letter: %s", counts).isZero();
        assertThat(counts.get("done").asInt()).as("stopped mid-run: %s", counts).isPositive();
        assertThat(counts.get("pending").asInt() + counts.path("running").asInt()).as("stopped mid-run: %s", counts)
                .isPositive();
        System.out.println("disk full: exit " + stopped.exitCode() + ", " + counts + ", stderr line: " + message);
    }

    /** Every output under a final name equals the reference's; no temp file is left. */
    private static void assertCompleteOutputsOnly(Path reference, Path out) throws Exception {
        for (String rel : GpkgCompare.outputFiles(out)) {
            Path expected = reference.resolve(rel);
            assertThat(expected).as("%s is an output of the reference run", rel).exists();
            GpkgCompare one = GpkgCompare.files(expected, out.resolve(rel));
            assertThat(one.differences()).as("%s is complete", rel).isEmpty();
        }
        assertThat(GpkgCompare.tempLeftovers(out)).isEmpty();
    }

    private static void assertSameAsReference(Path reference, Path out) throws Exception {
        GpkgCompare c = GpkgCompare.trees(reference, out);
        assertThat(c.differences()).isEmpty();
        assertThat(c.featuresCompared()).isEqualTo(INPUTS * 4000L);
    }

    private CliProcess.Result cairn(String... args) throws Exception {
        return CliProcess.run(work.resolve("logs"), TIMEOUT, args);
    }
}
