package dev.cairn.raster.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.raster.testing.FaultyHttpServer;
import dev.cairn.raster.testing.Gdal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Cloud-Optimized GeoTIFF written by GDAL, read over HTTP the way the TIFF reader will: the IFD
 * chain in many small reads, then tiles. GDAL says how many overviews the file has; the file on
 * disk says what every byte must be.
 */
@Timeout(60)
class CogOverHttpTest {
    private static final int TAG_TILE_OFFSETS = 324;
    private static final int TAG_TILE_BYTE_COUNTS = 325;

    @TempDir
    Path dir;

    @Test
    void aGdalCogsWholeIfdChainComesWithTheProbeAndItsTilesReadLikeFromDisk() throws Exception {
        Gdal.assumeInstalled();
        Path plain = dir.resolve("plain.tif");
        Path cog = dir.resolve("dem.tif");
        Gdal.run("gdal_create", "-of", "GTiff", "-outsize", "1024", "1024", "-bands", "1", "-ot", "UInt16",
                "-burn", "1234", "-a_srs", "EPSG:32633", "-a_ullr", "500000", "5300000", "510240", "5289760",
                plain.toString());
        Gdal.run("gdal_translate", "-q", "-of", "COG", "-co", "BLOCKSIZE=256", "-co", "COMPRESS=DEFLATE",
                "-co", "OVERVIEWS=AUTO", plain.toString(), cog.toString());
        String info = Gdal.run("gdalinfo", cog.toString());
        int overviews = info.lines().filter(l -> l.trim().startsWith("Overviews:")).findFirst()
                .map(l -> l.split(",").length).orElse(0);
        assertThat(overviews).isPositive();

        try (FaultyHttpServer server = FaultyHttpServer.serving(dir);
                ByteSource remote = ByteSources.open(server.url("dem.tif"), IoOptions.defaults());
                ByteSource local = ByteSources.open(cog.toString(), IoOptions.defaults())) {
            assertThat(remote.size()).isEqualTo(Files.size(cog));
            List<long[]> remoteTiles = walkIfds(remote);
            assertThat(walkIfds(local)).usingRecursiveComparison().isEqualTo(remoteTiles);
            assertThat(remoteTiles).hasSize(1 + overviews);
            // a COG keeps its header and every IFD up front: the probe's first 16 KiB hold them all
            assertThat(server.requests("dem.tif")).isEqualTo(1);

            long[] fullResolution = remoteTiles.get(0); // offsets then byte counts
            int tiles = fullResolution.length / 2;
            assertThat(tiles).isEqualTo(16);
            for (int i = 0; i < tiles; i++) {
                long offset = fullResolution[i];
                int length = (int) fullResolution[tiles + i];
                assertThat(bytes(remote.read(offset, length))).isEqualTo(bytes(local.read(offset, length)));
            }
            assertThat(server.requests("dem.tif")).isLessThanOrEqualTo(1 + tiles);
        }
    }

    /** Per IFD, its TileOffsets followed by its TileByteCounts, read in the small pieces a TIFF reader reads. */
    private static List<long[]> walkIfds(ByteSource s) throws IOException {
        ByteBuffer header = s.read(0, 8).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(header.getShort(0)).isEqualTo((short) 0x4949); // "II", GDAL's default
        assertThat(header.getShort(2)).isEqualTo((short) 42);      // classic TIFF
        List<long[]> result = new ArrayList<>();
        long ifd = Integer.toUnsignedLong(header.getInt(4));
        while (ifd != 0) {
            int count = Short.toUnsignedInt(s.read(ifd, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
            long[] offsets = null;
            long[] counts = null;
            for (int e = 0; e < count; e++) {
                ByteBuffer entry = s.read(ifd + 2 + 12L * e, 12).order(ByteOrder.LITTLE_ENDIAN);
                int tag = Short.toUnsignedInt(entry.getShort(0));
                if (tag == TAG_TILE_OFFSETS || tag == TAG_TILE_BYTE_COUNTS) {
                    long[] values = longs(s, entry);
                    if (tag == TAG_TILE_OFFSETS) {
                        offsets = values;
                    } else {
                        counts = values;
                    }
                }
            }
            assertThat(offsets).isNotNull();
            long[] both = new long[offsets.length * 2];
            System.arraycopy(offsets, 0, both, 0, offsets.length);
            System.arraycopy(counts, 0, both, offsets.length, counts.length);
            result.add(both);
            ifd = Integer.toUnsignedLong(s.read(ifd + 2 + 12L * count, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        }
        return result;
    }

    /** The values of a SHORT or LONG entry, inline or at its offset. */
    private static long[] longs(ByteSource s, ByteBuffer entry) throws IOException {
        int type = Short.toUnsignedInt(entry.getShort(2));
        int n = entry.getInt(4);
        int width = type == 3 ? 2 : 4;
        ByteBuffer values = n * width <= 4 ? entry.duplicate().position(8).slice().order(ByteOrder.LITTLE_ENDIAN)
                : s.read(Integer.toUnsignedLong(entry.getInt(8)), n * width).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = width == 2 ? Short.toUnsignedInt(values.getShort(i * 2)) : Integer.toUnsignedLong(values.getInt(i * 4));
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer b) {
        return HttpByteSourceTest.toArray(b);
    }
}
