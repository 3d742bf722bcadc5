package dev.cairn.raster.cog;

import dev.cairn.raster.GeoKeyDirectory;
import dev.cairn.raster.GeoTransform;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Writes a finished tile set ({@link TileStore}, all levels) as a Cloud-Optimized GeoTIFF laid out
 * the way GDAL's COG driver lays it out, so that
 * {@code validate_cloud_optimized_geotiff.py --full-check=yes} accepts it. Written by hand: no Java
 * library writes a COG (Apache SIS writes tiled GeoTIFFs without overviews or the IFDs-first
 * layout), and the layout is small enough to own.
 *
 * <pre>
 *   0     header: "II" 42 u16, first IFD u32          (BigTIFF: "II" 43, 8, 0, first IFD u64)
 *   8/16  ghost area: "GDAL_STRUCTURAL_METADATA_SIZE=000140 bytes\n" + LAYOUT=IFDS_BEFORE_DATA,
 *         BLOCK_ORDER=ROW_MAJOR, BLOCK_LEADER=SIZE_AS_UINT4, BLOCK_TRAILER=LAST_4_BYTES_REPEATED,
 *         KNOWN_INCOMPATIBLE_EDITION=NO, padded to an even offset
 *         IFD level 0 (full resolution, GeoTIFF tags) + its values (TileOffsets, TileByteCounts, ...)
 *         IFD level 1 (NewSubfileType=1) + values
 *         ...     IFD level n (smallest)
 *   data  level n tiles, then level n-1, ... then level 0; each level row-major; each tile as
 *         [size u32][compressed bytes][its last 4 bytes again]
 * </pre>
 *
 * TileOffsets point at the compressed bytes (after the size leader). An absent tile gets offset
 * and byte count 0 (sparse). Classic TIFF is used while the whole file stays below 4 GiB,
 * BigTIFF otherwise or on request.
 *
 * <p>Two passes over the store: the sizes ({@link TileStore#size}) lay out every IFD and offset;
 * then the tiles are streamed in file order through one buffered channel, so memory is one tile
 * plus the offset arrays. A tile whose length changed between the passes fails the write.
 * The target is created or truncated, written and fsynced; it is the caller's temp file, renamed
 * by the caller once this returns — on failure it is left half-written for the caller to delete.
 * Not thread-safe with respect to the store: nothing may put tiles while it writes.
 */
public final class CogWriter {
    private static final String GHOST_BODY = "LAYOUT=IFDS_BEFORE_DATA\n"
            + "BLOCK_ORDER=ROW_MAJOR\n"
            + "BLOCK_LEADER=SIZE_AS_UINT4\n"
            + "BLOCK_TRAILER=LAST_4_BYTES_REPEATED\n"
            + "KNOWN_INCOMPATIBLE_EDITION=NO\n"
            + " ";
    private static final byte[] GHOST = String.format("GDAL_STRUCTURAL_METADATA_SIZE=%06d bytes\n%s",
            GHOST_BODY.length(), GHOST_BODY).getBytes(StandardCharsets.US_ASCII);
    /** Classic TIFF offsets are u32: a file that would end beyond this is written as BigTIFF. */
    static final long CLASSIC_LIMIT = 0xFFFFFFFFL;

    private final CogLayout layout;
    private final TileStore store;
    private final int[][] sizes;

    private CogWriter(CogLayout layout, TileStore store) {
        this.layout = layout;
        this.store = store;
        this.sizes = new int[layout.levels() + 1][];
    }

    /** Writes the COG, classic TIFF unless it needs 4 GiB or more. */
    public static void write(Path target, CogLayout layout, TileStore tiles) throws IOException {
        write(target, layout, tiles, false);
    }

    /** Writes the COG; {@code forceBigTiff} writes BigTIFF whatever the size. */
    public static void write(Path target, CogLayout layout, TileStore tiles, boolean forceBigTiff) throws IOException {
        new CogWriter(layout, tiles).run(target, forceBigTiff, CLASSIC_LIMIT);
    }

    /** As {@link #write(Path, CogLayout, TileStore, boolean)} with another size limit for classic TIFF (tests). */
    static void write(Path target, CogLayout layout, TileStore tiles, long classicLimit) throws IOException {
        new CogWriter(layout, tiles).run(target, false, classicLimit);
    }

    private void run(Path target, boolean forceBigTiff, long classicLimit) throws IOException {
        int levels = layout.levels();
        long dataBytes = 0;
        for (int level = 0; level <= levels; level++) {
            int across = layout.tilesAcross(level);
            sizes[level] = new int[across * layout.tilesDown(level)];
            for (int i = 0; i < sizes[level].length; i++) {
                int n = store.size(level, i % across, i / across);
                sizes[level][i] = n;
                dataBytes += n < 0 ? 0 : n + 8L;
            }
        }
        boolean big = forceBigTiff;
        long[] ifdOffsets = ifdOffsets(big);
        if (!big && ifdOffsets[levels + 1] + dataBytes > classicLimit) {
            big = true;
            ifdOffsets = ifdOffsets(true);
        }
        long[][] offsets = new long[levels + 1][];
        long pos = ifdOffsets[levels + 1];
        for (int level = levels; level >= 0; level--) {
            offsets[level] = new long[sizes[level].length];
            for (int i = 0; i < sizes[level].length; i++) {
                if (sizes[level][i] >= 0) {
                    offsets[level][i] = pos + 4;
                    pos += sizes[level][i] + 8L;
                }
            }
        }
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20);
            out.write(header(big, ifdOffsets[0]));
            for (int level = 0; level <= levels; level++) {
                long next = level < levels ? ifdOffsets[level + 1] : 0;
                ByteBuffer ifd = directory(level, big, offsets[level]).encode(ifdOffsets[level], next);
                out.write(ifd.array(), 0, ifd.limit());
            }
            for (int level = levels; level >= 0; level--) {
                writeTiles(out, level, target);
            }
            out.flush();
            ch.force(true);
        }
    }

    /** IFD offsets of levels 0..n, then the offset where tile data starts. */
    private long[] ifdOffsets(boolean big) {
        int levels = layout.levels();
        long[] at = new long[levels + 2];
        long first = (big ? 16 : 8) + GHOST.length;
        at[0] = first + (first & 1);
        for (int level = 0; level <= levels; level++) {
            at[level + 1] = at[level] + directory(level, big, new long[sizes[level].length]).size();
        }
        return at;
    }

    private byte[] header(boolean big, long firstIfd) {
        ByteBuffer b = ByteBuffer.allocate((int) firstIfd).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I');
        if (big) {
            b.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(firstIfd);
        } else {
            b.putShort((short) 42).putInt((int) firstIfd);
        }
        b.put(GHOST);
        return b.array();
    }

    private void writeTiles(OutputStream out, int level, Path target) throws IOException {
        int across = layout.tilesAcross(level);
        byte[] leader = new byte[4];
        byte[] trailer = new byte[4];
        for (int i = 0; i < sizes[level].length; i++) {
            if (sizes[level][i] < 0) {
                continue;
            }
            byte[] tile = store.get(level, i % across, i / across);
            if (tile == null || tile.length != sizes[level][i]) {
                throw new TileStoreChangedException(target, level, i % across, i / across, sizes[level][i],
                        tile == null ? -1 : tile.length);
            }
            int n = tile.length;
            leader[0] = (byte) n;
            leader[1] = (byte) (n >>> 8);
            leader[2] = (byte) (n >>> 16);
            leader[3] = (byte) (n >>> 24);
            out.write(leader);
            out.write(tile);
            java.util.Arrays.fill(trailer, (byte) 0);
            int k = Math.min(4, n);
            System.arraycopy(tile, n - k, trailer, 4 - k, k);
            out.write(trailer);
        }
    }

    private TiffDirectory directory(int level, boolean big, long[] tileOffsets) {
        TiffDirectory d = new TiffDirectory(big);
        int bands = layout.bands();
        if (level > 0) {
            d.longs(254, 1);
        }
        d.shortOrLong(256, layout.width(level));
        d.shortOrLong(257, layout.height(level));
        d.shorts(258, repeat(layout.type().bits(), bands));
        d.shorts(259, layout.compression().tiffCode());
        d.shorts(262, layout.photometric());
        d.shorts(277, bands);
        d.shorts(284, 1);
        if (layout.predictor() != Predictor.NONE) {
            d.shorts(317, layout.predictor().tiffCode());
        }
        d.shortOrLong(322, layout.tileSize());
        d.shortOrLong(323, layout.tileSize());
        d.offsets(324, tileOffsets);
        long[] counts = new long[sizes[level].length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = Math.max(0, sizes[level][i]);
        }
        d.offsets(325, counts);
        int[] extra = layout.extraSamples();
        if (extra.length > 0) {
            d.shorts(338, extra);
        }
        d.shorts(339, repeat(layout.type().sampleFormat(), bands));
        if (level == 0) {
            geoTags(d);
        }
        OptionalDouble nodata = layout.nodata();
        if (nodata.isPresent()) {
            d.ascii(42113, formatNodata(nodata.getAsDouble()));
        }
        return d;
    }

    private static int[] repeat(int v, int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** GDAL_NODATA text as GDAL reads it back (strtod): integers without a fraction, "nan". */
    static String formatNodata(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private void geoTags(TiffDirectory d) {
        GeoTransform g = layout.geoTransform();
        GeoKeyDirectory keys = layout.geoKeys();
        if (g != null) {
            boolean point = keys != null && Integer.valueOf(GeoKeyDirectory.PIXEL_IS_POINT)
                    .equals(keys.intKey(GeoKeyDirectory.RASTER_TYPE));
            // PixelIsPoint: the tiepoint names the centre of pixel (0,0), half a pixel in from GDAL's corner
            double ox = point ? g.x(0.5, 0.5) : g.originX();
            double oy = point ? g.y(0.5, 0.5) : g.originY();
            if (g.isNorthUp()) {
                d.doubles(33550, g.pixelWidth(), -g.pixelHeight(), 0);
                d.doubles(33922, 0, 0, 0, ox, oy, 0);
            } else {
                d.doubles(34264, g.pixelWidth(), g.rotationX(), 0, ox, g.rotationY(), g.pixelHeight(), 0, oy,
                        0, 0, 0, 0, 0, 0, 0, 1);
            }
        }
        if (keys != null && !keys.keys().isEmpty()) {
            geoKeys(d, keys);
        }
    }

    /** Tags 34735 (directory), 34736 (double params), 34737 (ASCII params, each ending in '|'). */
    private static void geoKeys(TiffDirectory d, GeoKeyDirectory keys) {
        Map<Integer, Object> sorted = new TreeMap<>(keys.keys());
        List<Integer> dir = new ArrayList<>(List.of(1, 1, 0, sorted.size()));
        List<Double> doubles = new ArrayList<>();
        StringBuilder ascii = new StringBuilder();
        for (Map.Entry<Integer, Object> e : sorted.entrySet()) {
            Object v = e.getValue();
            dir.add(e.getKey());
            if (v instanceof Integer i) {
                dir.addAll(List.of(0, 1, i));
            } else if (v instanceof Double x) {
                dir.addAll(List.of(34736, 1, doubles.size()));
                doubles.add(x);
            } else if (v instanceof double[] xs) {
                dir.addAll(List.of(34736, xs.length, doubles.size()));
                for (double x : xs) {
                    doubles.add(x);
                }
            } else if (v instanceof String s) {
                dir.addAll(List.of(34737, s.length() + 1, ascii.length()));
                ascii.append(s).append('|');
            } else {
                throw new IllegalArgumentException("GeoKey " + e.getKey() + " has a value of " + v.getClass()
                        + "; GeoKeys hold an Integer, a double[] or a String");
            }
        }
        d.shorts(34735, dir.stream().mapToInt(Integer::intValue).toArray());
        if (!doubles.isEmpty()) {
            d.doubles(34736, doubles.stream().mapToDouble(Double::doubleValue).toArray());
        }
        if (ascii.length() > 0) {
            d.ascii(34737, ascii.toString());
        }
    }
}
