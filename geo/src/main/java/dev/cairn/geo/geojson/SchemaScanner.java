package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/**
 * The schema pass: GeoJSON declares no schema, so one streaming read over the whole file infers
 * the fields (in first-seen order, typed by {@link FieldInference}), the feature count, the
 * geometry kind (the one type every non-null geometry has, else {@code GEOMETRY}; Z when any
 * position has a third value) and the CRS (RFC 7946: EPSG:4326 lon/lat, unless a legacy
 * {@code "crs"} member names another EPSG code, see {@link LegacyCrs}). Every feature and geometry
 * is decoded, so bad input is found here, before any feature is converted.
 *
 * <p><b>Feature ids.</b> The fid is the integer {@code "id"} when every feature has one and they
 * strictly increase (that proves them unique in O(1) memory; GDAL's writer produces such files);
 * otherwise the 0-based position in the file. When ids exist but are not used as fids, they are
 * kept in a first field named {@code id} (LONG if all integers, else STRING), as GDAL does for
 * string ids — unless a property is already called {@code id}.
 *
 * <p>The pass also records where every 1,024th feature starts ({@link FeatureIndex}), so that a
 * chunk of a huge file is read from near its first feature.
 *
 * <p>Memory: one feature plus one small state per distinct property name, and 8 bytes per 1,024
 * features.
 */
final class SchemaScanner {
    private final Map<String, FieldInference> fields = new LinkedHashMap<>();
    private final GeometryReader geometries = new GeometryReader(new GeometryFactory());
    private final FeatureReader features;
    private String crsCode = "EPSG:4326";
    private String rootType;
    private GeometryKind kind;
    private boolean mixedKinds;
    private long count;
    private boolean allIdsIncreasingIntegers = true;
    private boolean anyId;
    private boolean allIdsIntegers = true;
    private long lastId = Long.MIN_VALUE;
    private final int stride;
    private long[] offsets = new long[16];
    private int entries;
    private boolean indexable = true;

    private SchemaScanner(int stride, boolean sequence) {
        this.stride = stride;
        this.features = new FeatureReader(geometries, sequence);
    }

    static Schema scan(Path file, boolean sequence) throws AssetFailure {
        return scan(file, sequence, FeatureIndex.DEFAULT_STRIDE);
    }

    /** {@link #scan(Path, boolean)} with an index entry every {@code stride} features (tests use small strides). */
    static Schema scan(Path file, boolean sequence, int stride) throws AssetFailure {
        return new SchemaScanner(stride, sequence).run(file, sequence);
    }

    private Schema run(Path file, boolean sequence) throws AssetFailure {
        try (FeatureStream stream = FeatureStream.open(file, sequence, this::rootMember)) {
            JsonParser p = stream.parser();
            while (stream.nextFeature()) {
                if (count % stride == 0) {
                    record(p.currentTokenLocation().getByteOffset());
                }
                features.read(p, (name, parser) -> fields.computeIfAbsent(name, n -> new FieldInference()).add(parser));
                observe(features.geometry(), features.id());
                count++;
            }
            if (!sequence && rootType == null && count == 0) {
                throw new MalformedGeoJsonException("top-level object has no \"type\" member: not GeoJSON", null);
            }
            indexable &= stream.featureArrays() <= 1;
        } catch (LegacyCrs.UnknownCrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, file + ": " + e.getMessage()
                    + "; convert the file to RFC 7946 (EPSG:4326 lon/lat) or fix the member", e);
        } catch (IOException | RuntimeException e) {
            throw JsonInput.failure(file, e);
        }
        FeatureIndex index = indexable && entries > 0 ? new FeatureIndex(stride, Arrays.copyOf(offsets, entries)) : null;
        return new Schema(layer(file), anyId && allIdsIncreasingIntegers, idFieldIndex(), index);
    }

    /** Adds an index entry; a negative offset (the parser decodes another encoding than UTF-8) disables the index. */
    private void record(long byteOffset) {
        if (byteOffset < 0) {
            indexable = false;
            return;
        }
        if (entries == offsets.length) {
            offsets = Arrays.copyOf(offsets, entries * 2);
        }
        offsets[entries++] = byteOffset;
    }

    private void rootMember(String name, JsonParser p) throws IOException {
        switch (name) {
            case "type" -> {
                rootType = p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : GeometryReader.describe(p.currentToken());
                if (!rootType.equals("FeatureCollection")) {
                    throw JsonInput.malformed(p, "top-level type \"" + rootType + "\" is not a FeatureCollection or Feature");
                }
            }
            case "crs" -> {
                String code = LegacyCrs.read(p);
                crsCode = code == null ? "EPSG:4326" : code;
            }
            default -> p.skipChildren();
        }
    }

    private void observe(Geometry g, Object id) {
        if (g != null) {
            GeometryKind k = GeometryKind.valueOf(GeometryWriter.typeName(g).toUpperCase(Locale.ROOT));
            if (kind == null) {
                kind = k;
            } else if (kind != k) {
                mixedKinds = true;
            }
        }
        if (id != null) {
            anyId = true;
        }
        if (id instanceof Long l) {
            allIdsIncreasingIntegers &= l > lastId || count == 0;
            lastId = l;
        } else {
            allIdsIncreasingIntegers = false;
            allIdsIntegers &= id == null;
        }
    }

    private boolean keepsIdField() {
        return anyId && !allIdsIncreasingIntegers && !fields.containsKey("id");
    }

    private int idFieldIndex() {
        return keepsIdField() ? 0 : -1;
    }

    private LayerDef layer(Path file) throws AssetFailure {
        List<FieldDef> defs = new ArrayList<>();
        if (keepsIdField()) {
            defs.add(FieldDef.of("id", allIdsIntegers ? FieldType.LONG : FieldType.STRING));
        }
        fields.forEach((name, inference) -> defs.add(FieldDef.of(name, inference.type())));
        CoordinateReferenceSystem crs;
        try {
            crs = CrsResolver.forCode(crsCode);
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, file + ": the legacy \"crs\" member names " + crsCode
                    + ", which is not a known EPSG CRS: " + e.getMessage(), e);
        }
        GeometryKind k = kind == null || mixedKinds ? GeometryKind.GEOMETRY : kind;
        return new LayerDef(GeoJsonSource.stem(file), k, geometries.sawZ(), false, crs, crsCode, defs, count);
    }
}
