package dev.cairn.geo.shp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.LayerDef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one shapefile under a temp name chosen by the caller: the .shp at that name, the
 * sidecars beside it ({@link Sidecars#expected}). Streams: memory holds one record.
 *
 * <p>The .shp and .shx headers (file length, extent, shape type) are written as zeros first and
 * completed by {@link #finish}, which also patches the .dbf record count and syncs every file.
 * {@link ShapefileProvider#publish} then moves the set to its final name, .shp last. Closing
 * without finishing deletes what was written.
 *
 * <p>The shape type comes from the layer's declared kind and Z/M flags; for a layer declared
 * GEOMETRY the first non-empty geometry decides. Null and empty geometries are Null shapes.
 * A geometry of another family is a FORMAT failure (Point into MultiPoint, LineString into
 * PolyLine and Polygon into MultiPolygon files are fine). Either file growing past
 * {@link #DEFAULT_SIZE_LIMIT} is a FORMAT failure: .shx offsets are 32-bit counts of 16-bit words
 * and most readers stop at 2 GiB.
 *
 * <p>A layer without geometry ({@link dev.cairn.geo.format.GeometryKind#NONE}, a GeoPackage
 * attribute table) is written as GDAL writes it: a lone {@code .dbf} (with its {@code .cpg}), no
 * {@code .shp}, {@code .shx} or {@code .prj}; {@link ShapefileProvider#publishOutput} publishes it
 * under an output named {@code .dbf}.
 */
final class ShapefileSink implements FeatureSink {
    static final long DEFAULT_SIZE_LIMIT = (1L << 31) - 1;
    private static final Logger LOG = LoggerFactory.getLogger(ShapefileSink.class);

    private final Path shp;
    private final long sizeLimit;
    private final List<Path> created = new ArrayList<>();
    private LayerDef layer;
    private ChannelWriter shpOut;
    private ChannelWriter shxOut;
    private DbfWriter dbf;
    private ShapeEncoder encoder;
    private ShapeEncoder nullEncoder;
    private int records;
    private boolean finished;

    ShapefileSink(Path shp, long sizeLimit) {
        this.shp = shp;
        this.sizeLimit = sizeLimit;
    }

    @Override
    public void beginLayer(LayerDef def) throws AssetFailure {
        if (layer != null) {
            throw failure("a shapefile holds one layer; '" + def.name() + "' would be the second. "
                    + "Write one file per layer or use GeoPackage");
        }
        layer = def;
        try {
            Files.deleteIfExists(shp);
            if (!def.hasGeometry()) {
                Files.writeString(track(Sidecars.expected(shp, ".cpg")), "UTF-8", StandardCharsets.US_ASCII);
                dbf = DbfWriter.create(track(Sidecars.expected(shp, ".dbf")), def.fields());
                return;
            }
            String prj = PrjCodec.format(def.crs(), def.crsCode());
            if (prj != null) {
                Files.writeString(track(Sidecars.expected(shp, ".prj")), prj, StandardCharsets.ISO_8859_1);
            }
            Files.writeString(track(Sidecars.expected(shp, ".cpg")), "UTF-8", StandardCharsets.US_ASCII);
            shpOut = new ChannelWriter(track(shp));
            shxOut = new ChannelWriter(track(Sidecars.expected(shp, ".shx")));
            shpOut.write(new byte[100]);
            shxOut.write(new byte[100]);
            dbf = DbfWriter.create(track(Sidecars.expected(shp, ".dbf")), def.fields());
        } catch (DbfWriter.UnwritableValueException e) {
            throw failure(e.getMessage());
        } catch (IOException e) {
            throw io(e);
        }
        ShapeType.Base base = ShapeType.baseOf(def.geometryKind());
        if (base != null) {
            encoder = new ShapeEncoder(ShapeType.of(base, def.hasZ(), def.hasM()), def.hasM());
        }
        nullEncoder = new ShapeEncoder(ShapeType.NULL, false);
    }

    private Path track(Path p) {
        created.add(p);
        return p;
    }

    @Override
    public void write(Feature feature) throws AssetFailure {
        if (layer == null) {
            throw new IllegalStateException("write before beginLayer");
        }
        try {
            if (!layer.hasGeometry()) {
                writeRow(feature);
                return;
            }
            ShapeType.Base base = ShapeEncoder.baseOf(feature.geometry());
            if (encoder == null && base != null) {
                encoder = new ShapeEncoder(ShapeType.of(base, layer.hasZ(), layer.hasM()), layer.hasM());
            }
            ByteBuffer content = (base == null ? nullEncoder : encoder).encode(feature.geometry());
            long offset = shpOut.size();
            if (offset + 8 + content.remaining() > sizeLimit) {
                throw tooLarge(shp, feature.fid());
            }
            if (dbf.size() + dbf.recordLength() + 1 > sizeLimit) {
                throw tooLarge(Sidecars.expected(shp, ".dbf"), feature.fid());
            }
            dbf.write(feature.fid(), feature.values());
            int words = content.remaining() / 2;
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(records + 1).putInt(words);
            shpOut.write(header.flip());
            shpOut.write(content);
            shxOut.write(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt((int) (offset / 2)).putInt(words)
                    .flip());
            records++;
        } catch (ShapeEncoder.MismatchException | DbfWriter.UnwritableValueException e) {
            throw failure("feature " + feature.fid() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw failure("feature " + feature.fid() + ": " + e.getMessage());
        } catch (IOException e) {
            throw io(e);
        }
    }

    /** A row of a table without geometry: the .dbf alone. */
    private void writeRow(Feature feature) throws IOException, DbfWriter.UnwritableValueException, AssetFailure {
        if (dbf.size() + dbf.recordLength() + 1 > sizeLimit) {
            throw tooLarge(Sidecars.expected(shp, ".dbf"), feature.fid());
        }
        dbf.write(feature.fid(), feature.values());
        records++;
    }

    private AssetFailure tooLarge(Path file, long fid) {
        return AssetFailure.permanent(ErrorClass.FORMAT, file + ": would exceed the 2 GiB shapefile limit at "
                + "feature " + fid + " (record offsets are 32-bit). Write GeoPackage or FlatGeobuf instead "
                + "(--format gpkg or --format fgb)");
    }

    @Override
    public void endLayer() {
        // the single layer ends with the file
    }

    @Override
    public void finish() throws AssetFailure {
        if (layer == null) {
            throw failure("no layer was written");
        }
        try {
            if (layer.hasGeometry()) {
                ShapeType type = encoder == null ? ShapeType.NULL : encoder.type();
                double[] extent = encoder == null ? new double[8] : encoder.extent;
                shpOut.writeAt(0, fileHeader(type, extent, shpOut.size()));
                shxOut.writeAt(0, fileHeader(type, extent, shxOut.size()));
            }
            dbf.finish();
            if (layer.hasGeometry()) {
                shpOut.sync();
                shxOut.sync();
            }
            if (dbf.count() != records) {
                throw failure("wrote " + records + " shapes but " + dbf.count() + " table rows");
            }
            long[] cut = dbf.truncated();
            for (int i = 0; i < cut.length; i++) {
                if (cut[i] > 0) {
                    LOG.warn("{}: {} value(s) of field '{}' cut to {} bytes (the most a DBF text field holds is 254)",
                            shp.getFileName(), cut[i], dbf.fields().get(i).name(), dbf.fields().get(i).length());
                }
            }
            finished = true;
        } catch (IOException e) {
            throw io(e);
        } finally {
            closeQuietly();
        }
    }

    /** The 100-byte header of the .shp and the .shx; empty extents are written as zeros. */
    static ByteBuffer fileHeader(ShapeType type, double[] extent, long fileLength) {
        ByteBuffer h = ByteBuffer.allocate(100).order(ByteOrder.BIG_ENDIAN);
        h.putInt(0, ShapefileSource.SHP_MAGIC).putInt(24, (int) (fileLength / 2));
        h.order(ByteOrder.LITTLE_ENDIAN).putInt(28, ShapefileSource.SHP_VERSION).putInt(32, type.code);
        for (int i = 0; i < 8; i++) { // same order as the header: x, y min; x, y max; z, m min/max
            h.putDouble(36 + 8 * i, Double.isInfinite(extent[i]) ? 0 : extent[i]);
        }
        return h;
    }

    @Override
    public void close() {
        closeQuietly();
        if (!finished) {
            for (Path p : created) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover temp file; removed with the asset's other leftovers
                }
            }
        }
    }

    private void closeQuietly() {
        for (AutoCloseable c : new AutoCloseable[] {shpOut, shxOut, dbf}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing after a failure: the output is abandoned anyway
                }
            }
        }
    }

    private AssetFailure failure(String what) {
        return AssetFailure.permanent(ErrorClass.FORMAT, shp + ": " + what);
    }

    private AssetFailure io(IOException e) {
        return AssetFailure.transientFailure(ErrorClass.IO, shp + ": cannot write (" + e.getMessage() + ")", e);
    }
}
