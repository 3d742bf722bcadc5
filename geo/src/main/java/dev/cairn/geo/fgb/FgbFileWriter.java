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
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
        /** Puts the {@code n} bytes at {@code place} (a size prefix and its feature) into {@code dst}, which has room. */
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
            data.flush(); // the features go straight to the channel, after what the stream wrote
            ByteBuffer buf = ByteBuffer.allocate(BUFFER);
            for (int i : order) {
                int n = 4 + index.length(i);
                if (buf.remaining() < n) {
                    drain(buf, out);
                    if (buf.capacity() < n) {
                        buf = ByteBuffer.allocate(n);
                    }
                }
                int start = buf.position();
                records.read(index.place(i), n, buf);
                if (buf.position() != start + n) {
                    throw new IOException("feature " + i + ": " + (buf.position() - start) + " bytes read, " + n
                            + " expected");
                }
            }
            drain(buf, out);
            out.force(true);
        }
    }

    private static void drain(ByteBuffer buf, FileChannel out) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        buf.clear();
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
