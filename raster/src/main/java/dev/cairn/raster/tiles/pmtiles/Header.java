package dev.cairn.raster.tiles.pmtiles;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The 127-byte header of a PMTiles v3 archive (spec §3), every field, little endian:
 *
 * <pre>
 * offset  size  field
 *      0     7  magic "PMTiles"
 *      7     1  version (3)
 *      8     8  root directory offset          16     8  root directory length
 *     24     8  metadata offset                32     8  metadata length
 *     40     8  leaf directories offset        48     8  leaf directories length
 *     56     8  tile data offset               64     8  tile data length
 *     72     8  addressed tiles                80     8  tile entries         88  8  tile contents
 *     96     1  clustered  97 1 internal compression  98 1 tile compression  99 1 tile type
 *    100     1  min zoom  101 1 max zoom
 *    102    16  min lon, min lat, max lon, max lat (int32, degrees × 10^7)
 *    118     1  center zoom  119 8 center lon, center lat (int32, degrees × 10^7)
 * </pre>
 *
 * Offsets are from the start of the file; counts of 0 mean "unknown". The compression and tile
 * type fields are kept as their codes ({@link #COMPRESSION_GZIP}, {@link #TILE_TYPE_PNG}, …) so
 * that a reader can report a value a newer spec adds instead of failing on it.
 */
public record Header(int specVersion,
                     long rootDirectoryOffset, long rootDirectoryLength,
                     long metadataOffset, long metadataLength,
                     long leafDirectoriesOffset, long leafDirectoriesLength,
                     long tileDataOffset, long tileDataLength,
                     long addressedTiles, long tileEntries, long tileContents,
                     boolean clustered, int internalCompression, int tileCompression, int tileType,
                     int minZoom, int maxZoom,
                     int minLonE7, int minLatE7, int maxLonE7, int maxLatE7,
                     int centerZoom, int centerLonE7, int centerLatE7) {

    /** Bytes in the header. */
    public static final int LENGTH = 127;
    /** The header and the root directory must fit in this many bytes at the start of the file. */
    public static final int ROOT_LIMIT = 16_384;

    public static final int COMPRESSION_UNKNOWN = 0;
    public static final int COMPRESSION_NONE = 1;
    public static final int COMPRESSION_GZIP = 2;
    public static final int COMPRESSION_BROTLI = 3;
    public static final int COMPRESSION_ZSTD = 4;

    public static final int TILE_TYPE_UNKNOWN = 0;
    public static final int TILE_TYPE_MVT = 1;
    public static final int TILE_TYPE_PNG = 2;
    public static final int TILE_TYPE_JPEG = 3;
    public static final int TILE_TYPE_WEBP = 4;
    public static final int TILE_TYPE_AVIF = 5;

    static final byte[] MAGIC = "PMTiles".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 3;

    /** West, south, east, north in degrees. */
    public double[] bounds() {
        return new double[] {minLonE7 / 1e7, minLatE7 / 1e7, maxLonE7 / 1e7, maxLatE7 / 1e7};
    }

    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) specVersion);
        b.putLong(rootDirectoryOffset).putLong(rootDirectoryLength);
        b.putLong(metadataOffset).putLong(metadataLength);
        b.putLong(leafDirectoriesOffset).putLong(leafDirectoriesLength);
        b.putLong(tileDataOffset).putLong(tileDataLength);
        b.putLong(addressedTiles).putLong(tileEntries).putLong(tileContents);
        b.put((byte) (clustered ? 1 : 0)).put((byte) internalCompression).put((byte) tileCompression)
                .put((byte) tileType).put((byte) minZoom).put((byte) maxZoom);
        b.putInt(minLonE7).putInt(minLatE7).putInt(maxLonE7).putInt(maxLatE7);
        b.put((byte) centerZoom).putInt(centerLonE7).putInt(centerLatE7);
        return b.array();
    }

    /** Parses the first {@link #LENGTH} bytes of {@code file}; {@code length} is the file's size. */
    static Header parse(byte[] bytes, int read, Path file, long length) throws MalformedPmtilesException {
        if (read < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new MalformedPmtilesException(file, "does not start with the PMTiles magic number \"PMTiles\""
                    + " (first bytes: " + printable(bytes, Math.min(read, MAGIC.length)) + ")");
        }
        if (read < 8 || bytes[7] != VERSION) {
            throw new MalformedPmtilesException(file, "is PMTiles version " + (read < 8 ? "?" : bytes[7] & 0xff)
                    + "; only version " + VERSION + " is read");
        }
        if (read < LENGTH) {
            throw new MalformedPmtilesException(file, "is " + length + " bytes long, shorter than the "
                    + LENGTH + "-byte PMTiles v3 header (truncated?)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.position(8);
        return new Header(VERSION, b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(),
                b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(),
                b.get() == 1, b.get() & 0xff, b.get() & 0xff, b.get() & 0xff, b.get() & 0xff, b.get() & 0xff,
                b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.get() & 0xff, b.getInt(), b.getInt());
    }

    private static String printable(byte[] bytes, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(String.format("%02x", bytes[i] & 0xff));
        }
        return n == 0 ? "none, the file is empty" : s.toString();
    }
}
