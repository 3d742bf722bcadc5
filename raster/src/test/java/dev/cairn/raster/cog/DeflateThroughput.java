package dev.cairn.raster.cog;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link TileEncoder} DEFLATE on one thread, run by hand (not a test): a raw uint8 image
 * (band-interleaved by pixel, {@code gdal_translate -of ENVI -co INTERLEAVE=BIP}) cut into 512²
 * tiles, encoded at each level given; prints megapixels per second of this thread's CPU time and
 * of wall time (best of the rounds) and the total compressed size.
 *
 * <p>Arguments: RAW WIDTH HEIGHT BANDS [LEVEL...] (default 1 3 6).
 */
public final class DeflateThroughput {
    public static void main(String[] args) throws Exception {
        int width = Integer.parseInt(args[1]), height = Integer.parseInt(args[2]), bands = Integer.parseInt(args[3]);
        byte[] raw = Files.readAllBytes(Path.of(args[0]));
        PixelBuffer image = PixelBuffer.fromBytes(DataType.UINT8, width, height, bands, ByteBuffer.wrap(raw),
                ByteOrder.LITTLE_ENDIAN);
        CogLayout base = CogLayout.of(width, height, bands, DataType.UINT8);
        int t = base.tileSize();
        PixelBuffer[] tiles = new PixelBuffer[base.tilesAcross(0) * base.tilesDown(0)];
        for (int i = 0; i < tiles.length; i++) {
            int tx = i % base.tilesAcross(0), ty = i / base.tilesAcross(0);
            tiles[i] = PixelBuffer.allocate(DataType.UINT8, t, t, bands);
            tiles[i].copyFrom(image, tx * t, ty * t, Math.min(t, width - tx * t), Math.min(t, height - ty * t), 0, 0);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double mpix = (double) tiles.length * t * t / 1e6;
        int[] levels = args.length > 4 ? java.util.Arrays.stream(args, 4, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 3, 6};
        for (int level : levels) {
            TileEncoder encoder = TileEncoder.forLayout(base.withDeflateLevel(level));
            double bestCpu = Double.MAX_VALUE, bestWall = Double.MAX_VALUE;
            long bytes = 0;
            for (int round = 0; round < 3; round++) {
                long c0 = threads.getCurrentThreadCpuTime(), w0 = System.nanoTime();
                bytes = 0;
                for (PixelBuffer tile : tiles) {
                    bytes += encoder.encode(tile).length;
                }
                bestCpu = Math.min(bestCpu, (threads.getCurrentThreadCpuTime() - c0) / 1e9);
                bestWall = Math.min(bestWall, (System.nanoTime() - w0) / 1e9);
            }
            System.out.printf("level %d: %.1f Mpix/s (cpu), %.1f Mpix/s (wall), %d bytes (%.1f %% of raw)%n", level,
                    mpix / bestCpu, mpix / bestWall, bytes, 100.0 * bytes / ((double) tiles.length * t * t * bands));
        }
    }
}
