package dev.cairn.raster.cog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/**
 * One TIFF image file directory (IFD), little-endian, classic or BigTIFF, with its out-of-line
 * values stored right after it:
 *
 * <pre>
 *   classic: [count u16][entries 12 B each: tag u16, type u16, count u32, value-or-offset u32][next IFD u32][values...]
 *   BigTIFF: [count u64][entries 20 B each: tag u16, type u16, count u64, value-or-offset u64][next IFD u64][values...]
 * </pre>
 *
 * Entries are kept sorted by tag, as TIFF requires; a value that fits the 4 (8) bytes of the
 * entry is stored in it, left-justified; others start on an even offset. Its {@link #size} depends
 * only on the tags, types and counts, so a writer can lay out every IFD before it knows the tile
 * offsets it will hold. Not thread-safe.
 */
final class TiffDirectory {
    static final int ASCII = 2, SHORT = 3, LONG = 4, DOUBLE = 12, LONG8 = 16;

    private record Entry(int tag, int type, long count, byte[] value) {
    }

    private final boolean big;
    private final TreeMap<Integer, Entry> entries = new TreeMap<>();

    TiffDirectory(boolean big) {
        this.big = big;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    void shorts(int tag, int... v) {
        ByteBuffer b = le(2 * v.length);
        for (int x : v) {
            b.putShort((short) x);
        }
        entries.put(tag, new Entry(tag, SHORT, v.length, b.array()));
    }

    void longs(int tag, long... v) {
        ByteBuffer b = le(4 * v.length);
        for (long x : v) {
            b.putInt((int) x);
        }
        entries.put(tag, new Entry(tag, LONG, v.length, b.array()));
    }

    /** SHORT when the value fits, else LONG (as libtiff writes image sizes). */
    void shortOrLong(int tag, long v) {
        if (v <= 0xFFFF) {
            shorts(tag, (int) v);
        } else {
            longs(tag, v);
        }
    }

    /** Offsets or byte counts: LONG in classic TIFF, LONG8 in BigTIFF. */
    void offsets(int tag, long[] v) {
        if (!big) {
            longs(tag, v);
            return;
        }
        ByteBuffer b = le(8 * v.length);
        for (long x : v) {
            b.putLong(x);
        }
        entries.put(tag, new Entry(tag, LONG8, v.length, b.array()));
    }

    void doubles(int tag, double... v) {
        ByteBuffer b = le(8 * v.length);
        for (double x : v) {
            b.putDouble(x);
        }
        entries.put(tag, new Entry(tag, DOUBLE, v.length, b.array()));
    }

    /** An ASCII value, NUL-terminated as TIFF wants it. */
    void ascii(int tag, String s) {
        byte[] text = s.getBytes(StandardCharsets.ISO_8859_1);
        byte[] v = new byte[text.length + 1];
        System.arraycopy(text, 0, v, 0, text.length);
        entries.put(tag, new Entry(tag, ASCII, v.length, v));
    }

    private int inline() {
        return big ? 8 : 4;
    }

    private int head() {
        return big ? 8 + 20 * entries.size() + 8 : 2 + 12 * entries.size() + 4;
    }

    /** Bytes the IFD and its out-of-line values take (an even number). */
    long size() {
        long n = head();
        for (Entry e : entries.values()) {
            if (e.value.length > inline()) {
                n += e.value.length + (e.value.length & 1);
            }
        }
        return n;
    }

    /** The IFD as it is written at {@code offset} (even), pointing to the next IFD at {@code next} (0: none). */
    ByteBuffer encode(long offset, long next) {
        ByteBuffer b = le((int) size());
        long extra = offset + head();
        if (big) {
            b.putLong(entries.size());
        } else {
            b.putShort((short) entries.size());
        }
        int valuesPos = head();
        for (Entry e : entries.values()) {
            b.putShort((short) e.tag).putShort((short) e.type);
            if (big) {
                b.putLong(e.count);
            } else {
                b.putInt((int) e.count);
            }
            if (e.value.length <= inline()) {
                byte[] slot = new byte[inline()];
                System.arraycopy(e.value, 0, slot, 0, e.value.length);
                b.put(slot);
            } else {
                if (big) {
                    b.putLong(extra);
                } else {
                    b.putInt((int) extra);
                }
                b.put(valuesPos, e.value);
                int padded = e.value.length + (e.value.length & 1);
                valuesPos += padded;
                extra += padded;
            }
        }
        if (big) {
            b.putLong(next);
        } else {
            b.putInt((int) next);
        }
        return b.rewind();
    }
}
