package dev.cairn.geo.fgb;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.LayerDef;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.wololo.flatgeobuf.generated.Column;
import org.wololo.flatgeobuf.generated.Crs;
import org.wololo.flatgeobuf.generated.Header;

/**
 * Writes a whole FlatGeobuf file once every feature is encoded and indexed: magic, header (the
 * layer's name, type, columns and CRS, the extent and count of the index), the packed Hilbert
 * R-tree, then the features in Hilbert order, copied as encoded ({@link FgbFeatureEncoder}) from
 * wherever they were put ({@link Records}); then fsyncs the file. Layout: see {@link FgbHeader}.
 * Used by {@link FlatGeobufSink} (features from its side file) and {@link FgbParts} (features from
 * the chunks' part files): the same entries give the same bytes.
 *
 * <p>Memory while writing: the index (44 bytes a feature until the tree is written, 12 after:
 * the boxes are dropped), the order (4 bytes a feature), the copy's window ({@link #WINDOW},
 * on the heap, or the file's features when fewer), the sort keys of one window (8 bytes a
 * feature in it) and two read blocks ({@link #BLOCK}, direct).
 */
final class FgbFileWriter {
    /** Bytes of the features section assembled in memory before they are written. */
    static final int WINDOW = 32 << 20;
    /** The largest read of the features where they were put. */
    static final int BLOCK = 1 << 20;
    /** A gap between two features of a window up to this size is read through rather than skipped by another read. */
    static final int GAP = 8 << 10;

    private FgbFileWriter() {
    }

    /** Where the encoded features are: by the place and length an index entry was added with. */
    @FunctionalInterface
    interface Records {
        /**
         * Puts the {@code n} bytes at {@code place} into {@code dst}, which has room: any range from
         * the start of one feature (size-prefixed) to the end of another, whatever lies between them.
         * Called from two threads at once.
         */
        void read(long place, int n, ByteBuffer dst) throws IOException;
    }

    /** Writes {@code file} (created or truncated) for {@code layer} with the features of {@code index}, and fsyncs it. */
    static void write(Path file, LayerDef layer, HilbertIndex index, Records records) throws IOException {
        // an index when there are features and geometries to index (not for a table of attributes)
        boolean indexed = index.count() > 0 && layer.hasGeometry();
        int[] order = index.hilbertOrder();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            DataOutputStream data = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(out),
                    1 << 16));
            data.write(FgbHeader.MAGIC);
            data.write(header(layer, index, indexed));
            if (indexed) {
                index.write(order, data);
            }
            data.flush(); // the features go to the channel by positioned writes, after what the stream wrote
            index.dropBoxes(); // room on the heap for the copy's window
            copyFeatures(index, order, records, out, out.position());
            out.force(true);
        }
    }

    /**
     * Copies the features in index order to {@code out} from {@code start} on, a window of up to
     * {@link #WINDOW} bytes of output at a time. A window is filled in the order the features lie
     * where they were put (input order), not in index order: its features sorted by place are read
     * in runs of up to {@link #BLOCK} bytes, a run going on through gaps of up to {@link #GAP}
     * bytes, and each feature is copied from the run to its place in the window; then the window
     * is written at once. The index order follows the Hilbert curve, which in an input that is not
     * spatially sorted jumps all over the parts: read in index order, the copy was one read call
     * per feature (1M calls for 1M features, most of the assembly's time); read in place order it
     * is a few hundred large calls per window. Each window is filled by two threads (the caller's
     * and a pool thread), each taking half of the window's features.
     */
    private static void copyFeatures(HilbertIndex index, int[] order, Records records, FileChannel out, long start)
            throws IOException {
        long total = 0;
        for (int i : order) {
            total += 4L + index.length(i);
        }
        byte[] window = null;
        ByteBuffer[] blocks = {ByteBuffer.allocateDirect(BLOCK), ByteBuffer.allocateDirect(BLOCK)};
        long at = start;
        int r = 0;
        while (r < order.length) {
            int first = r;
            long bytes = 0;
            while (r < order.length && (r == first || bytes + 4L + index.length(order[r]) <= WINDOW)) {
                bytes += 4L + index.length(order[r]);
                r++;
            }
            if (window == null || window.length < bytes) { // a window is at most WINDOW, or one larger feature
                window = new byte[(int) Math.max(bytes, Math.min(WINDOW, total))];
            }
            // (input index, offset in the window), sorted: the window's features in the order they lie
            long[] items = new long[r - first];
            long offset = 0;
            for (int k = 0; k < items.length; k++) {
                int i = order[first + k];
                items[k] = (long) i << 32 | offset;
                offset += 4L + index.length(i);
            }
            Arrays.sort(items);
            fillInParallel(index, records, items, blocks, window);
            for (int done = 0; done < bytes; ) { // written in slices: the JDK copies a heap buffer through a direct one
                int n = (int) Math.min(BLOCK, bytes - done);
                ByteBuffer slice = ByteBuffer.wrap(window, done, n);
                long position = at + done;
                while (slice.hasRemaining()) {
                    position += out.write(slice, position);
                }
                done += n;
            }
            at += bytes;
        }
    }

    /** Fills {@code window} with the features of {@code items}: the first half on a pool thread, the rest on this one. */
    private static void fillInParallel(HilbertIndex index, Records records, long[] items, ByteBuffer[] blocks,
            byte[] window) throws IOException {
        int half = items.length / 2;
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
            try {
                fill(index, records, items, 0, half, blocks[1], window);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            fill(index, records, items, half, items.length, blocks[0], window);
        } finally {
            try {
                first.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                throw e;
            }
        }
    }

    /**
     * Copies the features {@code items[from..to)} (input index, offset in the window; ascending)
     * into {@code window}, reading them in runs through {@code block}.
     */
    private static void fill(HilbertIndex index, Records records, long[] items, int from, int to, ByteBuffer block,
            byte[] window) throws IOException {
        int k = from;
        while (k < to) {
            int i = (int) (items[k] >>> 32);
            long runStart = index.place(i);
            long runEnd = runStart + 4L + index.length(i);
            int end = k + 1;
            while (end < to) {
                int next = (int) (items[end] >>> 32);
                long place = index.place(next);
                long placeEnd = place + 4L + index.length(next);
                if (place - runEnd > GAP || placeEnd - runStart > BLOCK) {
                    break;
                }
                runEnd = placeEnd;
                end++;
            }
            if (runEnd - runStart > BLOCK) { // one feature larger than the block: through it in pieces
                int offset = (int) items[k];
                for (long done = 0; done < runEnd - runStart; ) {
                    int n = (int) Math.min(BLOCK, runEnd - runStart - done);
                    readInto(records, runStart + done, n, block);
                    block.get(0, window, offset + (int) done, n);
                    done += n;
                }
            } else {
                readInto(records, runStart, (int) (runEnd - runStart), block);
                for (int e = k; e < end; e++) {
                    int f = (int) (items[e] >>> 32);
                    block.get((int) (index.place(f) - runStart), window, (int) items[e], 4 + index.length(f));
                }
            }
            k = end;
        }
    }

    /** Reads the {@code n} bytes at {@code place} into {@code block} from its start. */
    private static void readInto(Records records, long place, int n, ByteBuffer block) throws IOException {
        block.clear();
        records.read(place, n, block);
        if (block.position() != n) {
            throw new IOException("bytes " + place + " to " + (place + n) + ": " + block.position() + " read, " + n
                    + " expected");
        }
    }

    /** The size-prefixed header; {@code indexed}: the file gets an index (features, and geometries to index). */
    private static byte[] header(LayerDef layer, HilbertIndex index, boolean indexed) {
        FlatBufferBuilder b = new FlatBufferBuilder(1024);
        int[] columns = new int[layer.fields().size()];
        for (int i = 0; i < columns.length; i++) {
            FieldDef f = layer.fields().get(i);
            int name = b.createString(f.name());
            Column.startColumn(b);
            Column.addName(b, name);
            Column.addType(b, PropertyCodec.columnType(f.type()));
            // The FlatGeobuf schema (and GDAL) keep a decimal's total digits in "precision" and its
            // decimals in "scale"; "width" is for the other types. (A DBF N(24,15) is width 24,
            // precision 15 in FieldDef.)
            if (f.type() == FieldType.DOUBLE) {
                if (f.width() > 0) {
                    Column.addPrecision(b, f.width());
                }
                if (f.precision() > 0) {
                    Column.addScale(b, f.precision());
                }
            } else if (f.width() > 0) {
                Column.addWidth(b, f.width());
            }
            Column.addNullable(b, true);
            columns[i] = Column.endColumn(b);
        }
        int columnsVector = columns.length == 0 ? 0 : Header.createColumnsVector(b, columns);
        int crs = crs(b, layer);
        int name = b.createString(layer.name());
        double[] extent = index.extent();
        int envelope = extent == null ? 0 : Header.createEnvelopeVector(b, extent);
        Header.startHeader(b);
        Header.addName(b, name);
        if (envelope != 0) {
            Header.addEnvelope(b, envelope);
        }
        Header.addGeometryType(b, FgbGeometry.headerType(layer.geometryKind()));
        Header.addHasZ(b, layer.hasZ());
        Header.addHasM(b, layer.hasM());
        if (columnsVector != 0) {
            Header.addColumns(b, columnsVector);
        }
        Header.addFeaturesCount(b, index.count());
        // no index without features: GDAL refuses a node size with 0 items ("Number of items must be greater than 0")
        Header.addIndexNodeSize(b, indexed ? HilbertIndex.NODE_SIZE : 0);
        if (crs != 0) {
            Header.addCrs(b, crs);
        }
        Header.finishSizePrefixedHeaderBuffer(b, Header.endHeader(b));
        return b.sizedByteArray();
    }

    /** The crs table: EPSG code and its WKT 1 when the layer has a code, else the CRS's own WKT. */
    private static int crs(FlatBufferBuilder b, LayerDef layer) {
        String code = layer.crsCode();
        int number = 0;
        String wkt = null;
        if (code != null && code.toUpperCase(java.util.Locale.ROOT).startsWith("EPSG:")) {
            number = Integer.parseInt(code.substring(5).trim());
            try {
                wkt = CrsResolver.wkt1(code);
            } catch (CrsException | RuntimeException e) {
                wkt = null; // the code alone is enough for GDAL
            }
        } else if (layer.crs() != null) {
            try {
                wkt = layer.crs().toWKT();
            } catch (RuntimeException e) {
                wkt = null;
            }
        }
        if (number == 0 && wkt == null) {
            return 0;
        }
        int org = number == 0 ? 0 : b.createString("EPSG");
        int wktString = wkt == null ? 0 : b.createString(wkt);
        Crs.startCrs(b);
        if (org != 0) {
            Crs.addOrg(b, org);
            Crs.addCode(b, number);
        }
        if (wktString != 0) {
            Crs.addWkt(b, wktString);
        }
        return Crs.endCrs(b);
    }
}
