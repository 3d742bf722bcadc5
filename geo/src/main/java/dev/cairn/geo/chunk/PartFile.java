package dev.cairn.geo.chunk;

import dev.cairn.geo.format.ChunkParts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.locationtech.jts.geom.Envelope;

/**
 * The part file of one chunk: its features encoded in the output format, and a trailer that lets
 * the chunk completing the file index and merge them without decoding anything.
 *
 * <pre>
 * part file .NAME.KEY.cairn-stage.part-K   (version 1, little-endian; K the chunk's index)
 *   records   the chunk's features as the format encodes them (ChunkParts.Encoder), back to back,
 *             in input order
 *   entries   one per record, 44 bytes: minX, minY, maxX, maxY (float64; the inverted box
 *             +inf, +inf, -inf, -inf for a feature without geometry), offset from the start of
 *             the file (int64), length (int32)
 *   footer    32 bytes: record count (int64), offset of the entries (int64), CRC-32C of every
 *             byte before it (uint32), version (int32), magic "cairnprt"
 * </pre>
 *
 * <p>A reader checks the magic, the version, that count and offsets fit the file's size, and the
 * CRC-32C: a part file that is not whole is refused, never merged. Writers write it under a temp
 * name and rename it (see PartChunkConverter), so a part file that exists is whole; the checks
 * catch what should not happen (a bug, a disk that lies).
 */
final class PartFile {
    static final int VERSION = 1;
    static final int ENTRY_BYTES = 44;
    static final int FOOTER_BYTES = 32;
    private static final byte[] MAGIC = "cairnprt".getBytes(StandardCharsets.US_ASCII);

    private PartFile() {
    }

    /** Writes one part file: {@link #add} every feature, then {@link #finish}. Not thread-safe. */
    static final class Writer implements AutoCloseable {
        private final FileChannel out;
        private final CRC32C crc = new CRC32C();
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        private ByteBuffer entries = ByteBuffer.allocate(ENTRY_BYTES * 1024).order(ByteOrder.LITTLE_ENDIAN);
        private long position;
        private long count;

        /** Creates (or truncates) {@code file}. */
        Writer(Path file) throws IOException {
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        }

        /** Appends one record (the bytes between the position and the limit of {@code record}) and its entry. */
        void add(ByteBuffer record, Envelope envelope) throws IOException {
            int length = record.remaining();
            if (entries.remaining() < ENTRY_BYTES) {
                entries = ByteBuffer.allocate(entries.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN)
                        .put(entries.flip());
            }
            if (envelope == null || envelope.isNull()) {
                entries.putDouble(Double.POSITIVE_INFINITY).putDouble(Double.POSITIVE_INFINITY)
                        .putDouble(Double.NEGATIVE_INFINITY).putDouble(Double.NEGATIVE_INFINITY);
            } else {
                entries.putDouble(envelope.getMinX()).putDouble(envelope.getMinY())
                        .putDouble(envelope.getMaxX()).putDouble(envelope.getMaxY());
            }
            entries.putLong(position).putInt(length);
            put(record.duplicate());
            position += length;
            count++;
        }

        long count() {
            return count;
        }

        /** Writes entries and footer and makes the file durable (fsync). */
        void finish() throws IOException {
            long entriesAt = position;
            put(entries.flip());
            ByteBuffer footer = ByteBuffer.allocate(FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            footer.putLong(count).putLong(entriesAt);
            put(footer.flip());
            flush();
            ByteBuffer tail = ByteBuffer.allocate(FOOTER_BYTES - 16).order(ByteOrder.LITTLE_ENDIAN);
            tail.putInt((int) crc.getValue()).putInt(VERSION).put(MAGIC).flip();
            while (tail.hasRemaining()) {
                out.write(tail);
            }
            out.force(true);
        }

        private void put(ByteBuffer bytes) throws IOException {
            crc.update(bytes.duplicate());
            while (bytes.hasRemaining()) {
                if (!buf.hasRemaining()) {
                    flush();
                }
                int n = Math.min(buf.remaining(), bytes.remaining());
                int limit = bytes.limit();
                buf.put(bytes.limit(bytes.position() + n));
                bytes.limit(limit);
            }
        }

        private void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            buf.clear();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /**
     * The part files of one output, opened and checked, read as one sequence of records in part
     * order ({@link ChunkParts.Records}): a record's place is its offset plus the sizes of the parts
     * before it. Opening reads every part once (the checksum); entries and records are then read
     * by positioned reads. (Not from memory maps: every page
     * of a map read stays in the process's resident set until the map is collected, and the parts
     * are as large as the output.) Open files stay readable when they are deleted meanwhile (a
     * concurrent assembler that published first). {@link #read} is thread-safe (positioned reads), the
     * rest is not.
     */
    static final class Sequence implements ChunkParts.Records, AutoCloseable {
        private final List<FileChannel> channels = new ArrayList<>();
        private final List<long[]> entries = new ArrayList<>(); // per part: offset of its entries, their count
        private long[] starts = new long[0];
        private long[] sizes = new long[0];
        private long count;

        /** Opens and checks every part of {@code files}, in order; NoSuchFileException when one is missing. */
        static Sequence open(List<Path> files) throws IOException {
            Sequence set = new Sequence();
            try {
                set.starts = new long[files.size()];
                set.sizes = new long[files.size()];
                long start = 0;
                for (int k = 0; k < files.size(); k++) {
                    set.starts[k] = start;
                    set.sizes[k] = set.add(files.get(k));
                    start += set.sizes[k];
                }
                return set;
            } catch (IOException | RuntimeException e) {
                set.close();
                throw e;
            }
        }

        /** Opens and checks one part; returns its size. */
        private long add(Path file) throws IOException {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            channels.add(ch);
            long size = ch.size();
            if (size < FOOTER_BYTES) {
                throw corrupt(file, "shorter than its footer (" + size + " bytes)");
            }
            ByteBuffer footer = read(ch, size - FOOTER_BYTES, FOOTER_BYTES);
            byte[] magic = new byte[MAGIC.length];
            footer.get(24, magic);
            long n = footer.getLong(0);
            long entriesAt = footer.getLong(8);
            int version = footer.getInt(20);
            if (!Arrays.equals(magic, MAGIC) || version != VERSION) {
                throw corrupt(file, "no part file of version " + VERSION + " (magic or version differ)");
            }
            if (n < 0 || entriesAt < 0 || n > (Integer.MAX_VALUE - 8) / ENTRY_BYTES
                    || entriesAt + n * ENTRY_BYTES + FOOTER_BYTES != size) {
                throw corrupt(file, n + " records with entries at " + entriesAt + " do not fit " + size + " bytes");
            }
            CRC32C crc = new CRC32C();
            ByteBuffer block = ByteBuffer.allocateDirect(1 << 20);
            for (long at = 0; at < size - 16; at += block.capacity()) {
                block.clear().limit((int) Math.min(block.capacity(), size - 16 - at));
                readFully(ch, at, block);
                crc.update(block.flip());
            }
            if ((int) crc.getValue() != footer.getInt(16)) {
                throw corrupt(file, "checksum mismatch");
            }
            entries.add(new long[] {entriesAt, n});
            count += n;
            return size;
        }

        @Override
        public long count() {
            return count;
        }

        /** Reads the entries from the files, a block at a time (they are not kept: 44 bytes a feature). */
        @Override
        public void forEach(Visitor visitor) throws IOException {
            ByteBuffer block = ByteBuffer.allocate(ENTRY_BYTES * 8192).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < entries.size(); k++) {
                long at = entries.get(k)[0];
                long left = entries.get(k)[1];
                long start = starts[k];
                while (left > 0) {
                    int n = (int) Math.min(left, 8192);
                    block.clear().limit(n * ENTRY_BYTES);
                    readFully(channels.get(k), at, block);
                    for (int e = 0; e < n * ENTRY_BYTES; e += ENTRY_BYTES) {
                        visitor.feature(block.getDouble(e), block.getDouble(e + 8), block.getDouble(e + 16),
                                block.getDouble(e + 24), start + block.getLong(e + 32), block.getInt(e + 40));
                    }
                    at += (long) n * ENTRY_BYTES;
                    left -= n;
                }
            }
        }

        /** Reads a range of the sequence; one that runs past the end of a part goes on at the start of the next. */
        @Override
        public void read(long place, int length, ByteBuffer dst) throws IOException {
            int k = Arrays.binarySearch(starts, place);
            if (k < 0) {
                k = -k - 2; // the part starting before place
            }
            int limit = dst.limit();
            long at = place;
            long end = place + length;
            while (at < end) {
                int n = (int) (Math.min(end, starts[k] + sizes[k]) - at);
                dst.limit(dst.position() + n);
                readFully(channels.get(k), at - starts[k], dst);
                at += n;
                k++;
            }
            dst.limit(limit);
        }

        @Override
        public void close() {
            for (FileChannel ch : channels) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }

        private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, at, b);
            return b.flip();
        }

        private static void readFully(FileChannel ch, long at, ByteBuffer b) throws IOException {
            long pos = at;
            while (b.hasRemaining()) {
                int r = ch.read(b, pos);
                if (r < 0) {
                    throw new java.io.EOFException("part file ends at " + pos);
                }
                pos += r;
            }
        }

        private static IOException corrupt(Path file, String what) {
            return new PartFileCorruptException(file + ": not a whole chunk part file: " + what);
        }
    }

    /** A part file that fails its checks. */
    static final class PartFileCorruptException extends IOException {
        private static final long serialVersionUID = 1L;

        PartFileCorruptException(String message) {
            super(message);
        }
    }
}
