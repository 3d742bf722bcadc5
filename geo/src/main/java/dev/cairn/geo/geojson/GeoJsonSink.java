package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.CoordinatePrecision;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.LayerDef;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HexFormat;

/**
 * Writes one layer as an RFC 7946 FeatureCollection or as a GeoJSON text sequence, streaming
 * through Jackson's generator into a buffered file: memory stays flat whatever the feature count.
 *
 * <p>Layout (UTF-8, one feature per line so that line numbers in messages point at features):
 * <pre>
 * {"type":"FeatureCollection","name":"roads","features":[
 * {"type":"Feature","id":0,"properties":{...},"geometry":{...}},
 * ...
 * ]}
 * </pre>
 * A sequence is one {@code {"type":"Feature",...}} per line, each preceded by RS (0x1E) when
 * {@code recordSeparator} — RFC 8142, and GDAL's choice for {@code .geojsons}; GDAL writes
 * {@code .geojsonl} newline-delimited without RS.
 *
 * <p>Values: {@code "id"} is the fid; properties follow the {@link FieldDef} order and type —
 * DATE as {@code "YYYY-MM-DD"}, DATETIME as its text, BINARY as upper-case hex text (as GDAL's
 * GeoJSON writer does), non-finite doubles as null (JSON has no NaN; GDAL's default too), null as
 * null. Coordinates: see {@link GeometryWriter} (shortest round-trip decimal, or N decimals). No {@code "bbox"}, no
 * {@code "crs"} member: RFC 7946 output is EPSG:4326 lon/lat, and a layer in any other CRS is
 * refused with a CRS failure ({@link #beginLayer}). A layer without geometry (a GeoPackage
 * attribute table) has no CRS and is written as GDAL writes it: features with
 * {@code "geometry": null}.
 *
 * <p>On failure the file is left incomplete; the caller deletes it (see {@link FeatureSink}).
 * Not thread-safe.
 */
final class GeoJsonSink implements FeatureSink {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final Path file;
    private final boolean sequence;
    private final boolean recordSeparator;
    private final CoordinatePrecision precision;
    private JsonGenerator out;
    private LayerDef layer;
    private FieldDef[] fields;
    private boolean layerDone;
    private long written;

    GeoJsonSink(Path file, boolean sequence, boolean recordSeparator, CoordinatePrecision precision)
            throws AssetFailure {
        this.file = file;
        this.precision = precision;
        this.sequence = sequence;
        this.recordSeparator = recordSeparator;
        try {
            OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            out = JsonInput.FACTORY.createGenerator(stream);
            out.setRootValueSeparator(null);
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, file + ": cannot create: " + e.getMessage(), e);
        }
    }

    @Override
    public void beginLayer(LayerDef def) throws AssetFailure {
        if (layer != null) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": GeoJSON holds one layer; cannot add layer \""
                    + def.name() + "\" after \"" + layer.name() + "\". Write one file per layer.");
        }
        if (def.hasGeometry() && !"EPSG:4326".equals(def.crsCode())) { // a table without geometry has no CRS
            throw AssetFailure.permanent(ErrorClass.CRS, file + ": GeoJSON output (RFC 7946) is always EPSG:4326 lon/lat, "
                    + "but layer \"" + def.name() + "\" is in " + (def.crsCode() == null ? "an unknown CRS" : def.crsCode())
                    + ". Convert with --to EPSG:4326 (or declare the input's CRS with --assume-crs).");
        }
        layer = def;
        fields = def.fields().toArray(new FieldDef[0]);
        if (!sequence) {
            try {
                out.writeRaw("{\"type\":\"FeatureCollection\",\"name\":");
                out.writeString(def.name());
                out.writeRaw(",\"features\":[\n");
            } catch (IOException e) {
                throw writeFailure(e);
            }
        }
    }

    @Override
    public void write(Feature feature) throws AssetFailure {
        if (layer == null || layerDone) {
            throw new IllegalStateException("write outside beginLayer/endLayer");
        }
        try {
            if (sequence) {
                if (recordSeparator) {
                    out.writeRaw('\u001e');
                }
            } else if (written > 0) {
                out.writeRaw(",\n");
            }
            out.writeStartObject();
            out.writeStringField("type", "Feature");
            out.writeNumberField("id", feature.fid());
            out.writeObjectFieldStart("properties");
            Object[] values = feature.values();
            for (int i = 0; i < fields.length; i++) {
                out.writeFieldName(fields[i].name());
                value(fields[i].type(), values == null || i >= values.length ? null : values[i]);
            }
            out.writeEndObject();
            out.writeFieldName("geometry");
            if (feature.geometry() == null) {
                out.writeNull();
            } else {
                GeometryWriter.write(out, feature.geometry(), layer.hasZ(), precision);
            }
            out.writeEndObject();
            if (sequence) {
                out.writeRaw('\n');
            }
            written++;
        } catch (GeometryWriter.NonFiniteCoordinateException e) {
            throw AssetFailure.permanent(ErrorClass.GEOMETRY, file + ": layer \"" + layer.name() + "\", feature "
                    + feature.fid() + ": " + e.getMessage() + " (JSON has no NaN or Infinity)", e);
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    private void value(FieldType type, Object v) throws IOException {
        if (v == null) {
            out.writeNull();
            return;
        }
        switch (type) {
            case INTEGER, LONG -> {
                if (v instanceof Number n) {
                    out.writeNumber(n.longValue());
                    return;
                }
            }
            case DOUBLE -> {
                if (v instanceof Number n) {
                    double d = n.doubleValue();
                    if (Double.isFinite(d)) {
                        out.writeNumber(d);
                    } else {
                        out.writeNull();
                    }
                    return;
                }
            }
            case BOOLEAN -> {
                if (v instanceof Boolean b) {
                    out.writeBoolean(b);
                    return;
                }
            }
            case DATE -> {
                if (v instanceof LocalDate d) {
                    out.writeString(d.toString());
                    return;
                }
            }
            case BINARY -> {
                if (v instanceof byte[] bytes) {
                    out.writeString(HEX.formatHex(bytes));
                    return;
                }
            }
            default -> { }
        }
        out.writeString(String.valueOf(v)); // STRING and DATETIME, or a value of another type: its text
    }

    @Override
    public void endLayer() throws AssetFailure {
        if (layer == null || layerDone) {
            throw new IllegalStateException("endLayer without beginLayer");
        }
        layerDone = true;
        if (!sequence) {
            try {
                out.writeRaw(written > 0 ? "\n]}\n" : "]}\n");
            } catch (IOException e) {
                throw writeFailure(e);
            }
        }
    }

    @Override
    public void finish() throws AssetFailure {
        if (layer == null) {
            throw new IllegalStateException("finish without a layer");
        }
        if (!layerDone) {
            endLayer();
        }
        try {
            out.close();
            out = null;
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    private AssetFailure writeFailure(IOException e) {
        return AssetFailure.transientFailure(ErrorClass.IO, file + ": write failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // abandoned output: the caller deletes it
            }
            out = null;
        }
    }
}
