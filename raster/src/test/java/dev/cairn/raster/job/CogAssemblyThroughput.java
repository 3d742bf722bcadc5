package dev.cairn.raster.job;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.cog.CogLayout;
import dev.cairn.raster.cog.CogWriter;
import dev.cairn.raster.cog.OverviewBuilder;
import dev.cairn.raster.cog.Resampling;
import dev.cairn.raster.cog.TileEncoder;
import dev.cairn.raster.cog.TileStore;
import dev.cairn.raster.tiff.TileDecoder;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Time of the publishing tail of {@code cairn warp} (overview levels built into the SQLite staging
 * file, then the COG written from it), run by hand, not a test: the level-0 tiles of a raw uint8
 * image (band-interleaved by pixel, as {@code gdal_translate -of ENVI -co INTERLEAVE=BIP} writes
 * it) are staged once, untimed; each round deletes the overviews and times
 * {@link OverviewBuilder#build} and {@link CogWriter#write}, printing the COG's SHA-256 so that
 * two builds of the code can be compared byte for byte.
 *
 * <p>Arguments: RAW WIDTH HEIGHT BANDS WORKDIR [ROUNDS] [DEFLATE_LEVEL].
 */
public final class CogAssemblyThroughput {
    public static void main(String[] args) throws Exception {
        Path raw = Path.of(args[0]);
        int width = Integer.parseInt(args[1]), height = Integer.parseInt(args[2]), bands = Integer.parseInt(args[3]);
        Path dir = Files.createDirectories(Path.of(args[4]));
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        int level = args.length > 6 ? Integer.parseInt(args[6]) : TileEncoder.DEFAULT_DEFLATE_LEVEL;
        CogLayout layout = CogLayout.of(width, height, bands, DataType.UINT8).withDeflateLevel(level);
        byte[] image = Files.readAllBytes(raw);
        if (image.length != width * height * bands) {
            throw new IllegalArgumentException(raw + " holds " + image.length + " bytes, not " + width + "x" + height + "x" + bands);
        }
        Path staging = dir.resolve("bench.cairn-stage");
        Files.deleteIfExists(staging);
        try (StagedCog stage = StagedCog.open(staging)) {
            try (Statement s = stage.connection().createStatement()) {
                s.execute(StagedCog.CREATE);
            }
            stageLevel0(stage, layout, image);
            TileStore tiles = stage.tiles();
            TileEncoder encoder = TileEncoder.forLayout(layout);
            int ts = layout.tileSize();
            dev.cairn.raster.cog.TileDecoder decoder = bytes -> TileDecoder.decode(bytes, layout.compression().tiffCode(),
                    layout.predictor().tiffCode(), layout.type(), ts, ts, layout.bands(), ByteOrder.LITTLE_ENDIAN);
            for (int round = 0; round < rounds; round++) {
                try (Statement s = stage.connection().createStatement()) {
                    s.execute("DELETE FROM cairn_cog_tiles WHERE level > 0");
                }
                double load0 = loadAverage();
                long c0 = cpuTime();
                long m0 = threadCpuTime();
                long t0 = System.nanoTime();
                stage.inTransaction(() -> OverviewBuilder.build(layout, tiles, decoder, encoder, Resampling.AVERAGE));
                long t1 = System.nanoTime();
                long c1 = cpuTime();
                long m1 = threadCpuTime();
                Path cog = dir.resolve("bench.tif");
                CogWriter.write(cog, layout, tiles);
                long t2 = System.nanoTime();
                long c2 = cpuTime();
                double load1 = loadAverage();
                System.out.printf("round %d: overviews %.2f s (cpu %.2f s, %.2f s of it this thread's), write %.2f s"
                        + " (cpu %.2f s), total %.2f s; load %.2f -> %.2f; %d bytes sha256 %s%n", round, (t1 - t0) / 1e9,
                        (c1 - c0) / 1e9, (m1 - m0) / 1e9,
                        (t2 - t1) / 1e9, (c2 - c1) / 1e9, (t2 - t0) / 1e9, load0, load1, Files.size(cog), sha256(cog));
            }
        }
        Files.deleteIfExists(staging);
    }

    private static void stageLevel0(StagedCog stage, CogLayout layout, byte[] image) throws Exception {
        int t = layout.tileSize(), bands = layout.bands(), across = layout.tilesAcross(0);
        TileEncoder encoder = TileEncoder.forLayout(layout);
        byte[][] encoded = new byte[across * layout.tilesDown(0)][];
        PixelBuffer whole = PixelBuffer.fromBytes(DataType.UINT8, layout.width(), layout.height(), bands,
                java.nio.ByteBuffer.wrap(image), ByteOrder.LITTLE_ENDIAN);
        IntStream.range(0, encoded.length).parallel().forEach(i -> {
            int tx = i % across, ty = i / across;
            PixelBuffer tile = PixelBuffer.allocate(DataType.UINT8, t, t, bands);
            tile.copyFrom(whole, tx * t, ty * t, Math.min(t, layout.width() - tx * t),
                    Math.min(t, layout.height() - ty * t), 0, 0);
            encoded[i] = encoder.encode(tile);
        });
        List<StagedCog.Tile> list = new ArrayList<>();
        for (int i = 0; i < encoded.length; i++) {
            list.add(new StagedCog.Tile(i % across, i / across, encoded[i]));
        }
        stage.inTransaction(() -> stage.put(0, list));
    }

    /** CPU time of the whole process (every thread, the pool's included), in nanoseconds. */
    private static long cpuTime() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long threadCpuTime() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
