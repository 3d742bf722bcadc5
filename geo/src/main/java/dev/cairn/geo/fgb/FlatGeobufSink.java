package dev.cairn.geo.fgb;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.LayerDef;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.wololo.flatgeobuf.generated.Column;
import org.wololo.flatgeobuf.generated.Crs;
import org.wololo.flatgeobuf.generated.Header;

/**
 * Writes one FlatGeobuf file with a packed Hilbert R-tree, in two passes.
 *
 * <p>Layout: see {@link FgbHeader}. The index must precede the features and the features must follow the index's Hilbert
 * order, so {@link #write} appends each encoded feature to a side file ({@code NAME.features},
 * next to the output) and keeps only its index entry ({@link HilbertIndex}, 44 bytes). {@link
 * #finish} writes magic, header, tree, then copies the features from the side file in Hilbert
 * order, fsyncs the output and deletes the side file. Disk: twice the output while finishing.
 *
 * <p>fids are not stored (FlatGeobuf has none): read back, a feature's fid is its position in
 * Hilbert order. A NULL geometry is kept (a feature without a geometry table, indexed by an
 * empty box); note that GDAL (3.6) itself drops such features when it writes FlatGeobuf, but
 * reads them. {@link #close} without {@link #finish} deletes the side file and leaves the
 * partial output for the caller to delete. Not thread-safe.
 *
 * <p>A layer without geometry ({@link dev.cairn.geo.format.GeometryKind#NONE}, a GeoPackage
 * attribute table) is written as GDAL's writer declares one: geometry type Unknown, no CRS, no
 * envelope, and no index (index node size 0: there is nothing to index), its features in input
 * order, each without a geometry table. GDAL (3.6) reads them; its writer drops them.
 */
final class FlatGeobufSink implements FeatureSink {
    private final Path file;
    private final Path side;
    private final FlatBufferBuilder builder = new FlatBufferBuilder(1024);
    private final PropertyCodec properties = new PropertyCodec();
    private final HilbertIndex index = new HilbertIndex();
    private LayerDef layer;
    private FieldType[] types;
    private String[] names;
    private int headerType;
    private OutputStream sideOut;
    private long sidePosition;
    private boolean ended;

    FlatGeobufSink(Path file) {
        this.file = file;
        this.side = file.resolveSibling(file.getFileName() + ".features");
    }

    @Override
    public void beginLayer(LayerDef def) throws AssetFailure {
        if (layer != null) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": FlatGeobuf holds one layer; cannot add layer \""
                    + def.name() + "\" after \"" + layer.name() + "\". Write one file per layer");
        }
        layer = def;
        headerType = FgbGeometry.headerType(def.geometryKind());
        types = def.fields().stream().map(FieldDef::type).toArray(FieldType[]::new);
        names = def.fields().stream().map(FieldDef::name).toArray(String[]::new);
        try {
            sideOut = new BufferedOutputStream(Files.newOutputStream(side), 1 << 16);
        } catch (IOException e) {
            throw io("cannot create " + side.getFileName(), e);
        }
    }

    @Override
    public void write(Feature feature) throws AssetFailure {
        if (layer == null || ended) {
            throw new IllegalStateException("write outside beginLayer/endLayer");
        }
        builder.clear();
        int geometry = 0;
        Envelope env = null;
        try {
            Geometry g = FgbGeometry.withoutEmptyParts(feature.geometry());
            if (g != null && !g.isEmpty()) { // an empty geometry is written as none: see FgbGeometry
                geometry = FgbGeometry.write(builder, g, headerType);
                env = g.getEnvelopeInternal();
            }
            byte[] props = properties.encode(types, names, feature.values());
            int propsVector = props.length == 0 ? 0 : org.wololo.flatgeobuf.generated.Feature
                    .createPropertiesVector(builder, props);
            int root = org.wololo.flatgeobuf.generated.Feature.createFeature(builder, geometry, propsVector, 0);
            builder.finishSizePrefixed(root);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": layer \"" + layer.name() + "\", feature "
                    + feature.fid() + ": cannot write " + e.getMessage());
        } catch (IOException e) {
            throw io("cannot encode feature " + feature.fid(), e);
        }
        ByteBuffer bytes = builder.dataBuffer();
        int length = bytes.remaining() - 4;
        try {
            sideOut.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        } catch (IOException e) {
            throw io("cannot write " + side.getFileName(), e);
        }
        index.add(env, sidePosition, length);
        sidePosition += 4L + length;
    }

    @Override
    public void endLayer() throws AssetFailure {
        ended = true;
    }

    @Override
    public void finish() throws AssetFailure {
        if (layer == null) {
            throw new IllegalStateException("finish before beginLayer");
        }
        try {
            sideOut.close();
            int[] order = index.hilbertOrder();
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 FileChannel in = FileChannel.open(side, StandardOpenOption.READ)) {
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(out),
                        1 << 16));
                data.write(FgbHeader.MAGIC);
                data.write(header());
                if (indexed()) {
                    index.write(order, data);
                }
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                for (int i : order) {
                    int n = 4 + index.length(i);
                    if (buf.capacity() < n) {
                        buf = ByteBuffer.allocate(n);
                    }
                    buf.clear().limit(n);
                    long at = index.place(i);
                    while (buf.hasRemaining()) {
                        if (in.read(buf, at + buf.position()) < 0) {
                            throw new IOException(side.getFileName() + " ends early");
                        }
                    }
                    data.write(buf.array(), 0, n);
                }
                data.flush();
                out.force(true);
            }
            Files.deleteIfExists(side);
        } catch (IOException e) {
            throw io("cannot write", e);
        }
    }

    /** Whether the file gets an index: it has features, and geometries to index (not a table of attributes). */
    private boolean indexed() {
        return index.count() > 0 && layer.hasGeometry();
    }

    private byte[] header() {
        FlatBufferBuilder b = new FlatBufferBuilder(1024);
        int[] columns = new int[types.length];
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
        int crs = crs(b);
        int name = b.createString(layer.name());
        Envelope extent = index.extent();
        int envelope = extent.isNull() ? 0 : Header.createEnvelopeVector(b, new double[] {
                extent.getMinX(), extent.getMinY(), extent.getMaxX(), extent.getMaxY()});
        Header.startHeader(b);
        Header.addName(b, name);
        if (envelope != 0) {
            Header.addEnvelope(b, envelope);
        }
        Header.addGeometryType(b, headerType);
        Header.addHasZ(b, layer.hasZ());
        Header.addHasM(b, layer.hasM());
        if (columnsVector != 0) {
            Header.addColumns(b, columnsVector);
        }
        Header.addFeaturesCount(b, index.count());
        // no index without features: GDAL refuses a node size with 0 items ("Number of items must be greater than 0")
        Header.addIndexNodeSize(b, indexed() ? HilbertIndex.NODE_SIZE : 0);
        if (crs != 0) {
            Header.addCrs(b, crs);
        }
        Header.finishSizePrefixedHeaderBuffer(b, Header.endHeader(b));
        return b.sizedByteArray();
    }

    /** The crs table: EPSG code and its WKT 1 when the layer has a code, else the CRS's own WKT. */
    private int crs(FlatBufferBuilder b) {
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

    private AssetFailure io(String what, IOException e) {
        return AssetFailure.transientFailure(ErrorClass.IO, file + ": " + what + " (" + e.getMessage() + ")", e);
    }

    @Override
    public void close() {
        if (sideOut != null) {
            try {
                sideOut.close();
            } catch (IOException e) {
                // abandoned or already closed
            }
        }
        try {
            Files.deleteIfExists(side);
        } catch (IOException e) {
            // a leftover side file is harmless: the next run truncates it
        }
    }
}
