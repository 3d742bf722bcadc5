package dev.cairn.raster.tiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.raster.DataType;
import dev.cairn.raster.testing.Gdal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and foreign inputs fail with a {@link TiffFormatException} that names the file and what
 * is wrong, before anything of a declared size is allocated. Each starts from a GDAL-written file
 * and patches or cuts its bytes.
 */
class DamagedTiffTest {
    @TempDir
    Path dir;

    private Path good;

    @BeforeEach
    void writeAGoodFile() throws Exception {
        Gdal.assumeInstalled();
        Path src = Rasters.envi(dir, "src", DataType.UINT8, 64, 64, 1, 1);
        good = dir.resolve("in.tif");
        // one 64x64 tile: TileOffsets and TileByteCounts are stored inline in their IFD entries
        Gdal.run("gdal_translate", "-q", "-co", "TILED=YES", "-co", "BLOCKXSIZE=64", "-co", "BLOCKYSIZE=64", "-co",
                "COMPRESS=DEFLATE", "-co", "COPY_SRC_OVERVIEWS=YES", src.toString(), good.toString());
    }

    private ByteBuffer bytes(Path p) throws Exception {
        return ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The byte position of the value field of tag {@code tag} in the first IFD of a classic little-endian TIFF. */
    private static int entryValue(ByteBuffer b, int tag) {
        int ifd = b.getInt(4);
        int n = b.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < n; i++) {
            int e = ifd + 2 + i * 12;
            if ((b.getShort(e) & 0xFFFF) == tag) {
                return e + 8;
            }
        }
        throw new AssertionError("no tag " + tag);
    }

    private Path write(String name, ByteBuffer b) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    @Test
    void theGoodFileReads() throws Exception {
        try (GeoTiffReader r = LocalFileSource.open(good)) {
            assertThat(r.image().readWindow(0, 0, 64, 64).sampleCount()).isEqualTo(64 * 64);
        }
    }

    @Test
    void aGarbageFileIsNotATiff() throws Exception {
        byte[] junk = new byte[1000];
        new Random(1).nextBytes(junk);
        junk[0] = 'G';
        Path p = write("garbage.tif", ByteBuffer.wrap(junk));
        assertThatThrownBy(() -> LocalFileSource.open(p)).isInstanceOf(TiffFormatException.class)
                .hasMessageStartingWith("garbage.tif: not a TIFF file");
        Path empty = write("empty.tif", ByteBuffer.allocate(0));
        assertThatThrownBy(() -> LocalFileSource.open(empty)).isInstanceOf(TiffFormatException.class)
                .hasMessageStartingWith("empty.tif: not a TIFF file (0 bytes");
    }

    @Test
    void aTruncatedFileFailsWithItsName() throws Exception {
        byte[] all = Files.readAllBytes(good);
        ByteBuffer b = bytes(good);
        long tileEnd = (b.getInt(entryValue(b, TiffDirectory.TILE_OFFSETS)) & 0xFFFFFFFFL)
                + (b.getInt(entryValue(b, TiffDirectory.TILE_BYTE_COUNTS)) & 0xFFFFFFFFL);
        // cut inside the header, the IFD, and the tile data (GDAL writes a 4-byte ghost trailer after it)
        for (int len : new int[] {6, 12, 100, (int) tileEnd - 1}) {
            Path p = write("cut" + len + ".tif", ByteBuffer.wrap(Arrays.copyOf(all, len)));
            assertThatThrownBy(() -> {
                try (GeoTiffReader r = LocalFileSource.open(p)) {
                    r.image().readWindow(0, 0, 64, 64);
                }
            }).as("cut at %d of %d bytes", len, all.length).isInstanceOf(TiffFormatException.class)
                    .hasMessageStartingWith("cut" + len + ".tif: ");
        }
    }

    @Test
    void aCyclicIfdChainIsDetected() throws Exception {
        ByteBuffer b = bytes(good);
        int ifd = b.getInt(4);
        int n = b.getShort(ifd) & 0xFFFF;
        b.putInt(ifd + 2 + n * 12, ifd); // the next-IFD pointer points back to this IFD
        Path p = write("cyclic.tif", b);
        assertThatThrownBy(() -> LocalFileSource.open(p)).isInstanceOf(TiffFormatException.class)
                .hasMessage("cyclic.tif: the IFD chain is cyclic (IFD 1 points back to offset " + ifd + ")");
    }

    @Test
    void aTileDeclaringMoreBytesThanTheFileHoldsIsRefusedBeforeAllocating() throws Exception {
        ByteBuffer b = bytes(good);
        int at = entryValue(b, TiffDirectory.TILE_BYTE_COUNTS);
        long offset = b.getInt(entryValue(b, TiffDirectory.TILE_OFFSETS)) & 0xFFFFFFFFL;
        b.putShort(at - 6, (short) 4); // type LONG
        b.putInt(at, -1); // 4294967295 bytes
        Path p = write("huge.tif", b);
        try (GeoTiffReader r = LocalFileSource.open(p)) {
            assertThatThrownBy(() -> r.image().readBlock(0, 0)).isInstanceOf(TiffFormatException.class)
                    .hasMessage("huge.tif: tile 0,0 declares 4294967295 bytes at offset " + offset
                            + " beyond the end of the file (" + b.capacity() + " bytes)");
        }
        b.putInt(at, 64 * 64 * 10 + 5000); // inside the file, but more than ten times the block
        b.putInt(entryValue(b, TiffDirectory.TILE_OFFSETS), 8);
        Path bloated = write("bloated.tif", b);
        try (GeoTiffReader r = LocalFileSource.open(bloated)) {
            assertThatThrownBy(() -> r.image().readBlock(0, 0)).isInstanceOf(TiffFormatException.class)
                    .hasMessageContaining("bloated.tif: tile 0,0 declares 45960 bytes");
        }
    }

    @Test
    void anUnsupportedCompressionIsNamed() throws Exception {
        ByteBuffer b = bytes(good);
        b.putShort(entryValue(b, TiffDirectory.COMPRESSION), (short) 34712);
        Path p = write("j2k.tif", b);
        assertThatThrownBy(() -> LocalFileSource.open(p)).isInstanceOf(UnsupportedCompressionException.class)
                .hasMessage("j2k.tif: unsupported compression JPEG 2000 (34712)");
    }

    @Test
    void aCorruptDeflateTileIsAFormatErrorNamingTheTile() throws Exception {
        ByteBuffer b = bytes(good);
        long offset = b.getInt(entryValue(b, TiffDirectory.TILE_OFFSETS)) & 0xFFFFFFFFL;
        for (int i = 2; i < 40; i++) {
            b.put((int) offset + i, (byte) 0xFF);
        }
        Path p = write("corrupt.tif", b);
        try (GeoTiffReader r = LocalFileSource.open(p)) {
            assertThatThrownBy(() -> r.image().readWindow(0, 0, 10, 10)).isInstanceOf(TiffFormatException.class)
                    .hasMessageStartingWith("corrupt.tif: tile 0,0 ");
        }
    }
}
