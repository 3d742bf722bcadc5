package dev.cairn.raster.tiles.pmtiles;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Encoding of a PMTiles v3 directory (spec §4.2): the entry count, then the tile ids as deltas,
 * the run lengths, the lengths, and the offsets ({@code 0} = right after the previous entry,
 * else {@code offset + 1}), each an unsigned LEB128 varint, the whole gzip-compressed.
 *
 * <p>An entry with run length {@code 0} points to a leaf directory (its offset is relative to
 * the leaf directories section); otherwise it addresses {@code runLength} consecutive tile ids
 * sharing one blob (offset relative to the tile data section). Stateless, thread-safe.
 */
final class Directory {

    record Entry(long tileId, long offset, long length, long runLength) {
    }

    private Directory() {
    }

    /** The gzip-compressed encoding of {@code entries[from, to)}, which must be sorted by tile id. */
    static byte[] encode(List<Entry> entries, int from, int to) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(Math.max(16, (to - from) * 6));
        writeVarint(raw, to - from);
        long lastId = 0;
        for (int i = from; i < to; i++) {
            writeVarint(raw, entries.get(i).tileId() - lastId);
            lastId = entries.get(i).tileId();
        }
        for (int i = from; i < to; i++) {
            writeVarint(raw, entries.get(i).runLength());
        }
        for (int i = from; i < to; i++) {
            writeVarint(raw, entries.get(i).length());
        }
        long next = 0;
        for (int i = from; i < to; i++) {
            Entry e = entries.get(i);
            writeVarint(raw, i > from && e.offset() == next ? 0 : e.offset() + 1);
            next = e.offset() + e.length();
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream(raw.size() / 2 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            raw.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return gz.toByteArray();
    }

    /** Decodes a directory stored with {@code compression} ({@link Header#COMPRESSION_NONE} or gzip). */
    static List<Entry> decode(byte[] stored, int compression, Path file, String what) throws IOException {
        try (InputStream in = decompress(stored, compression, file)) {
            long n = readVarint(in, file, what);
            if (n <= 0 || n > stored.length * 1032L + 1) { // deflate expands at most ~1032×
                throw new MalformedPmtilesException(file, "has a " + what + " with " + n + " entries");
            }
            int count = (int) n;
            long[] ids = new long[count];
            long last = 0;
            for (int i = 0; i < count; i++) {
                last += readVarint(in, file, what);
                ids[i] = last;
            }
            long[] runs = new long[count];
            for (int i = 0; i < count; i++) {
                runs[i] = readVarint(in, file, what);
            }
            long[] lengths = new long[count];
            for (int i = 0; i < count; i++) {
                lengths[i] = readVarint(in, file, what);
            }
            List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long v = readVarint(in, file, what);
                long offset = v == 0 && i > 0 ? entries.get(i - 1).offset() + entries.get(i - 1).length() : v - 1;
                entries.add(new Entry(ids[i], offset, lengths[i], runs[i]));
            }
            return entries;
        }
    }

    static InputStream decompress(byte[] stored, int compression, Path file) throws IOException {
        if (compression == Header.COMPRESSION_GZIP) {
            return new GZIPInputStream(new ByteArrayInputStream(stored));
        }
        if (compression == Header.COMPRESSION_NONE) {
            return new ByteArrayInputStream(stored);
        }
        throw new MalformedPmtilesException(file, "uses internal compression " + compression
                + "; only 1 (none) and 2 (gzip) are read");
    }

    /**
     * The entry addressing {@code tileId} in {@code entries} (sorted): the tile entry whose run covers
     * it, or the leaf entry that may contain it; null if none.
     */
    static Entry find(List<Entry> entries, long tileId) {
        int lo = 0;
        int hi = entries.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long c = entries.get(mid).tileId();
            if (c < tileId) {
                lo = mid + 1;
            } else if (c > tileId) {
                hi = mid - 1;
            } else {
                return entries.get(mid);
            }
        }
        if (hi >= 0) {
            Entry e = entries.get(hi);
            if (e.runLength() == 0 || tileId - e.tileId() < e.runLength()) {
                return e;
            }
        }
        return null;
    }

    static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarint(InputStream in, Path file, String what) throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new MalformedPmtilesException(file, "has a " + what + " that ends inside its entries");
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new MalformedPmtilesException(file, "has a " + what + " with a varint longer than 64 bits");
    }
}
