package dev.cairn.raster.tiff;

import dev.cairn.raster.io.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One image file directory (IFD) of a TIFF or BigTIFF, its entries decoded to values, and the
 * walk of the IFD chain.
 *
 * <pre>
 *   classic TIFF                      BigTIFF
 *   0  "II"|"MM"  42 (u16)            0  "II"|"MM"  43 (u16)  8 (u16)  0 (u16)
 *   4  first IFD offset (u32)         8  first IFD offset (u64)
 *   IFD: count (u16)                  IFD: count (u64)
 *        count x 12-byte entries           count x 20-byte entries
 *        tag u16, type u16,                tag u16, type u16,
 *        count u32, value|offset u32       count u64, value|offset u64
 *        next IFD offset (u32)             next IFD offset (u64)
 * </pre>
 *
 * Values that fit in the value field are stored in it (left-justified); longer ones at the offset.
 * Every count and offset is checked against the source size before anything is allocated, so a
 * damaged file gives a {@link TiffFormatException}, never an {@code OutOfMemoryError}. A chain
 * that revisits an offset is reported as cyclic. Immutable once read.
 */
final class TiffDirectory {
    static final int NEW_SUBFILE_TYPE = 254, IMAGE_WIDTH = 256, IMAGE_LENGTH = 257, BITS_PER_SAMPLE = 258,
            COMPRESSION = 259, PHOTOMETRIC = 262, STRIP_OFFSETS = 273, SAMPLES_PER_PIXEL = 277,
            ROWS_PER_STRIP = 278, STRIP_BYTE_COUNTS = 279, PLANAR_CONFIGURATION = 284, PREDICTOR = 317,
            TILE_WIDTH = 322, TILE_LENGTH = 323, TILE_OFFSETS = 324, TILE_BYTE_COUNTS = 325,
            SAMPLE_FORMAT = 339, EXTRA_SAMPLES = 338, JPEG_TABLES = 347, YCBCR_SUBSAMPLING = 530,
            MODEL_PIXEL_SCALE = 33550, MODEL_TIEPOINT = 33922, MODEL_TRANSFORMATION = 34264,
            GEO_KEY_DIRECTORY = 34735, GEO_DOUBLE_PARAMS = 34736, GEO_ASCII_PARAMS = 34737, GDAL_NODATA = 42113;

    /** More IFDs than this in one file is taken for damage (COGs hold a few dozen). */
    private static final int MAX_IFDS = 10_000;
    private static final int MAX_ENTRIES = 4096;

    private final Map<Integer, Object> values;
    final long offset;

    private TiffDirectory(long offset, Map<Integer, Object> values) {
        this.offset = offset;
        this.values = values;
    }

    /** The header of a TIFF: byte order and BigTIFF flag; first IFD offset. */
    record Header(ByteOrder order, boolean big, long firstIfd) {
    }

    static Header readHeader(ByteSource src) throws IOException {
        long size = src.size();
        if (size < 8) {
            throw new TiffFormatException(src.name() + ": not a TIFF file (" + size + " bytes, a TIFF header needs 8)");
        }
        ByteBuffer b = src.read(0, (int) Math.min(16, size));
        ByteOrder order;
        if (b.get(0) == 'I' && b.get(1) == 'I') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (b.get(0) == 'M' && b.get(1) == 'M') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new TiffFormatException(src.name() + ": not a TIFF file (starts with bytes "
                    + String.format("%02x %02x", b.get(0), b.get(1)) + ", a TIFF starts with \"II\" or \"MM\")");
        }
        b.order(order);
        int magic = b.getShort(2) & 0xFFFF;
        if (magic == 42) {
            return new Header(order, false, b.getInt(4) & 0xFFFFFFFFL);
        }
        if (magic == 43 && size >= 16 && (b.getShort(4) & 0xFFFF) == 8) {
            return new Header(order, true, b.getLong(8));
        }
        throw new TiffFormatException(src.name() + ": not a TIFF file (version " + magic
                + ", expected 42 for TIFF or 43 for BigTIFF)");
    }

    /** Reads every IFD of the chain in file order. */
    static List<TiffDirectory> readChain(ByteSource src, Header h) throws IOException {
        List<TiffDirectory> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long next = h.firstIfd();
        while (next != 0) {
            if (!seen.add(next)) {
                throw new TiffFormatException(src.name() + ": the IFD chain is cyclic (IFD " + out.size()
                        + " points back to offset " + next + ")");
            }
            if (out.size() >= MAX_IFDS) {
                throw new TiffFormatException(src.name() + ": more than " + MAX_IFDS + " IFDs, the file is damaged");
            }
            long[] nextOut = new long[1];
            out.add(read(src, h, next, out.size(), nextOut));
            next = nextOut[0];
        }
        if (out.isEmpty()) {
            throw new TiffFormatException(src.name() + ": the TIFF holds no image (first IFD offset is 0)");
        }
        return out;
    }

    private static TiffDirectory read(ByteSource src, Header h, long at, int index, long[] next) throws IOException {
        long size = src.size();
        int countBytes = h.big() ? 8 : 2, entryBytes = h.big() ? 20 : 12, nextBytes = h.big() ? 8 : 4;
        String where = src.name() + ": IFD " + index + " at offset " + at;
        if (at < 8 || at + countBytes > size) {
            throw new TiffFormatException(where + " lies beyond the end of the file (" + size + " bytes)");
        }
        ByteBuffer cb = read(src, at, countBytes, h);
        long count = h.big() ? cb.getLong(0) : cb.getShort(0) & 0xFFFF;
        if (count < 0 || count > MAX_ENTRIES || at + countBytes + count * entryBytes + nextBytes > size) {
            throw new TiffFormatException(where + " declares " + Long.toUnsignedString(count)
                    + " entries, more than fit before the end of the file (" + size + " bytes)");
        }
        ByteBuffer e = read(src, at + countBytes, (int) (count * entryBytes + nextBytes), h);
        Map<Integer, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int p = i * entryBytes;
            int tag = e.getShort(p) & 0xFFFF;
            int type = e.getShort(p + 2) & 0xFFFF;
            long n = h.big() ? e.getLong(p + 4) : e.getInt(p + 4) & 0xFFFFFFFFL;
            int ts = typeSize(type);
            if (ts == 0) {
                continue; // unknown type: TIFF says skip the entry
            }
            if (n < 0 || n > size / ts + 8) {
                throw new TiffFormatException(where + ": tag " + tag + " declares " + Long.toUnsignedString(n)
                        + " values, more than the file (" + size + " bytes) holds");
            }
            long bytes = n * ts;
            int valueField = p + (h.big() ? 12 : 8);
            ByteBuffer data;
            if (bytes <= (h.big() ? 8 : 4)) {
                data = e.duplicate().order(h.order()).position(valueField).slice().order(h.order());
            } else {
                long off = h.big() ? e.getLong(valueField) : e.getInt(valueField) & 0xFFFFFFFFL;
                if (off < 0 || off + bytes > size) {
                    throw new TiffFormatException(where + ": tag " + tag + " declares " + bytes + " bytes at offset "
                            + Long.toUnsignedString(off) + " beyond the end of the file (" + size + " bytes)");
                }
                data = read(src, off, (int) bytes, h);
            }
            values.put(tag, decode(type, (int) n, data));
        }
        int np = (int) (count * entryBytes);
        next[0] = h.big() ? e.getLong(np) : e.getInt(np) & 0xFFFFFFFFL;
        if (next[0] < 0 || next[0] >= size) {
            throw new TiffFormatException(where + ": next IFD offset " + Long.toUnsignedString(next[0])
                    + " lies beyond the end of the file (" + size + " bytes)");
        }
        return new TiffDirectory(at, values);
    }

    private static ByteBuffer read(ByteSource src, long at, int n, Header h) throws IOException {
        try {
            return src.read(at, n).order(h.order());
        } catch (EOFException e) {
            throw new TiffFormatException(src.name() + ": truncated: " + n + " bytes at offset " + at
                    + " lie beyond the end of the file", e);
        }
    }

    private static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;
            case 3, 8 -> 2;
            case 4, 9, 11, 13 -> 4;
            case 5, 10, 12, 16, 17, 18 -> 8;
            default -> 0;
        };
    }

    private static Object decode(int type, int n, ByteBuffer d) {
        switch (type) {
            case 2: {
                byte[] a = new byte[n];
                d.get(0, a);
                int end = 0;
                while (end < n && a[end] != 0) {
                    end++;
                }
                return new String(a, 0, end, StandardCharsets.ISO_8859_1);
            }
            case 1, 6, 7: {
                byte[] a = new byte[n];
                d.get(0, a);
                if (type == 7) {
                    return a;
                }
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = type == 6 ? a[i] : a[i] & 0xFF;
                }
                return v;
            }
            case 11, 12, 5, 10: {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = switch (type) {
                        case 11 -> d.getFloat(i * 4);
                        case 12 -> d.getDouble(i * 8);
                        case 5 -> (d.getInt(i * 8) & 0xFFFFFFFFL) / (double) (d.getInt(i * 8 + 4) & 0xFFFFFFFFL);
                        default -> d.getInt(i * 8) / (double) d.getInt(i * 8 + 4);
                    };
                }
                return v;
            }
            default: {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = switch (type) {
                        case 3 -> d.getShort(i * 2) & 0xFFFF;
                        case 8 -> d.getShort(i * 2);
                        case 4, 13 -> d.getInt(i * 4) & 0xFFFFFFFFL;
                        case 9 -> d.getInt(i * 4);
                        default -> d.getLong(i * 8);
                    };
                }
                return v;
            }
        }
    }

    boolean has(int tag) {
        return values.containsKey(tag);
    }

    /** Integer values of a numeric tag, or null when absent. */
    long[] longs(int tag) {
        Object v = values.get(tag);
        if (v instanceof long[] l) {
            return l;
        }
        if (v instanceof double[] d) {
            long[] l = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                l[i] = (long) d[i];
            }
            return l;
        }
        return null;
    }

    long first(int tag, long dflt) {
        long[] l = longs(tag);
        return l == null || l.length == 0 ? dflt : l[0];
    }

    double[] doubles(int tag) {
        Object v = values.get(tag);
        if (v instanceof double[] d) {
            return d;
        }
        if (v instanceof long[] l) {
            double[] d = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                d[i] = l[i];
            }
            return d;
        }
        return null;
    }

    String ascii(int tag) {
        return values.get(tag) instanceof String s ? s : null;
    }

    byte[] bytes(int tag) {
        Object v = values.get(tag);
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof long[] l) {
            byte[] b = new byte[l.length];
            for (int i = 0; i < l.length; i++) {
                b[i] = (byte) l[i];
            }
            return b;
        }
        return null;
    }
}
