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
 */
final class FgbFileWriter {
    /** Copy buffer of the features section. */
    private static final int BUFFER = 1 << 20;

    private FgbFileWriter() {
    }

    /** Where the encoded features are: by the place and length an index entry was added with. */
    @FunctionalInterface
    interface Records {
        /**
         * Puts the {@code n} bytes at {@code place} (size-prefixed features) into {@code dst}, which has
         * room. Called from two threads at once.
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
            copyFeatures(index, order, records, out, out.position());
            out.force(true);
        }
    }

    /**
     * Copies the features in index order to {@code out} from {@code start} on, on two threads: the
     * caller's takes the first half of the order, a pool thread the second, each reading into its own
     * buffer and writing at its own place (the second half starts where the first half's bytes end).
     * The copy is a read call per feature (features that follow each other in index order and lie
     * back to back where they were put are read at once), and such calls overlap well.
     */
    private static void copyFeatures(HilbertIndex index, int[] order, Records records, FileChannel out, long start)
            throws IOException {
        int half = order.length / 2;
        long bytes = 0;
        for (int r = 0; r < half; r++) {
            bytes += 4L + index.length(order[r]);
        }
        long firstHalfBytes = bytes;
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try {
                copyRange(index, order, half, order.length, records, out, start + firstHalfBytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            copyRange(index, order, 0, half, records, out, start);
        } finally {
            try {
                second.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                throw e;
            }
        }
    }

    /** Copies the features {@code order[from..to)} to {@code out} at {@code at} on. */
    private static void copyRange(HilbertIndex index, int[] order, int from, int to, Records records, FileChannel out,
            long at) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        long position = at;
        int r = from;
        while (r < to) {
            long place = index.place(order[r]);
            long n = 4L + index.length(order[r]);
            int end = r + 1;
            while (end < to && n < BUFFER && index.place(order[end]) == place + n) {
                n += 4L + index.length(order[end]);
                end++;
            }
            if (n > BUFFER && end > r + 1) { // a run never spans more than the buffer, unless it is one feature
                end--;
                n -= 4L + index.length(order[end]);
            }
            if (buf.remaining() < n) {
                position += drain(buf, out, position);
                if (buf.capacity() < n) {
                    buf = ByteBuffer.allocateDirect((int) n);
                }
            }
            int before = buf.position();
            records.read(place, (int) n, buf);
            if (buf.position() != before + n) {
                throw new IOException("features " + r + " to " + end + ": " + (buf.position() - before)
                        + " bytes read, " + n + " expected");
            }
            r = end;
        }
        drain(buf, out, position);
    }

    /** Writes the buffer's content at {@code position}; returns how many bytes. */
    private static int drain(ByteBuffer buf, FileChannel out, long position) throws IOException {
        buf.flip();
        int n = buf.remaining();
        long at = position;
        while (buf.hasRemaining()) {
            at += out.write(buf, at);
        }
        buf.clear();
        return n;
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
