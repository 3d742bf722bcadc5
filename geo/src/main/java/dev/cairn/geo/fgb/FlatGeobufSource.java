package dev.cairn.geo.fgb;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.wololo.flatgeobuf.generated.Column;
import org.wololo.flatgeobuf.generated.Crs;
import org.wololo.flatgeobuf.generated.GeometryType;
import org.wololo.flatgeobuf.generated.Header;

/**
 * An opened FlatGeobuf file. Opening reads the header only (plus the file size); cursors open
 * their own channel and stream one feature at a time. A file whose header says 0 features and
 * has no index may be a streamed one of unknown length: its count is -1 and cursors read to the
 * end. Not thread-safe.
 */
final class FlatGeobufSource implements FeatureSource {
    private final Path file;
    private final FgbHeader header;
    private final LayerDef layer;
    private final int[] columnTypes;

    private FlatGeobufSource(Path file, FgbHeader header, LayerDef layer, int[] columnTypes) {
        this.file = file;
        this.header = header;
        this.layer = layer;
        this.columnTypes = columnTypes;
    }

    static FlatGeobufSource open(Path file) throws AssetFailure {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            FgbHeader fh = FgbHeader.read(file, in);
            Header h = fh.header();
            GeometryKind kind = FgbGeometry.kind(h.geometryType());
            if (kind == null) {
                int type = h.geometryType();
                String name = type >= GeometryType.Unknown && type <= GeometryType.Triangle
                        ? GeometryType.name(type) : "code " + type;
                throw FgbHeader.failure(file, "geometry type " + name
                        + " (curves, surfaces, TINs) is not supported; convert it with GDAL first");
            }
            List<FieldDef> fields = new ArrayList<>();
            int[] types = new int[h.columnsLength()];
            for (int i = 0; i < types.length; i++) {
                Column c = h.columns(i);
                types[i] = c.type();
                FieldType t = PropertyCodec.fieldType(c.type());
                if (t == null) {
                    throw FgbHeader.failure(file, "corrupt header: column '" + c.name() + "' has unknown type "
                            + c.type());
                }
                // decimals: total digits in "precision", decimals in "scale" (see FlatGeobufSink)
                fields.add(t == FieldType.DOUBLE
                        ? new FieldDef(c.name(), t, Math.max(0, c.precision()), Math.max(0, c.scale()))
                        : new FieldDef(c.name(), t, Math.max(0, c.width()), 0));
            }
            long count = h.featuresCount();
            if (count == 0 && h.indexNodeSize() == 0 && in.size() > fh.featuresStart()) {
                count = -1;
            }
            CoordinateReferenceSystem crs = null;
            String code = null;
            Crs c = h.crs();
            if (c != null) {
                try {
                    String org = c.org();
                    if (c.code() > 0 && (org == null || org.isEmpty() || org.equalsIgnoreCase("EPSG"))) {
                        code = "EPSG:" + c.code();
                        crs = CrsResolver.forCode(code);
                    } else if (c.wkt() != null && !c.wkt().isBlank()) {
                        crs = CrsResolver.fromWkt(c.wkt());
                    }
                } catch (CrsException e) {
                    throw AssetFailure.permanent(ErrorClass.CRS, file + ": " + e.getMessage(), e);
                }
            }
            LayerDef layer = new LayerDef(stem(file), kind, h.hasZ(), h.hasM(), crs, code, fields, count);
            return new FlatGeobufSource(file, fh, layer, types);
        } catch (NoSuchFileException e) {
            throw AssetFailure.permanent(ErrorClass.IO, file + ": file not found", e);
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    @Override
    public List<LayerDef> layers() {
        return List.of(layer);
    }

    @Override
    public FeatureCursor cursor(int index, long offset, long limit) throws AssetFailure {
        if (index != 0) {
            throw new IndexOutOfBoundsException("a FlatGeobuf file has one layer; asked for layer " + index);
        }
        long count = layer.featureCount() < 0 ? Long.MAX_VALUE : layer.featureCount();
        long from = Math.max(0, Math.min(offset, count));
        long to = limit < 0 ? count : Math.min(count, from + limit);
        try {
            return FlatGeobufCursor.open(file, header, columnTypes, from, to);
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public double[] extent(int index) {
        Header h = header.header();
        if (h.envelopeLength() < 4) {
            return null;
        }
        return new double[] {h.envelope(0), h.envelope(1), h.envelope(2), h.envelope(3)};
    }

    @Override
    public void close() {
        // cursors own their channels
    }
}
