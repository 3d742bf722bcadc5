package dev.cairn.geo.format;

import java.util.List;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/**
 * A layer's schema, as read from a source or handed to a sink.
 *
 * <p>A layer of kind {@link GeometryKind#NONE} is a table without geometry (a GeoPackage
 * attribute table): it has no CRS ({@code crs} and {@code crsCode} null whatever the job's target
 * or {@code --assume-crs}), no Z or M, and its features carry a null geometry. Converters keep
 * such a layer as a table, never ask for its CRS, and sinks write it as their format allows.
 *
 * @param name         layer name (for single-layer formats: the file's stem)
 * @param geometryKind declared geometry type; {@link GeometryKind#NONE} for a table without geometry
 * @param hasZ         coordinates carry Z
 * @param hasM         coordinates carry M
 * @param crs          the layer's CRS with x = east/longitude (see CrsResolver), or null when the
 *                     source declares none (always null for a layer without geometry)
 * @param crsCode      {@code EPSG:n} when the CRS is known by code, else null
 * @param fields       the attributes, in order
 * @param featureCount number of features, or -1 when unknown without a full read
 */
public record LayerDef(String name, GeometryKind geometryKind, boolean hasZ, boolean hasM,
                       CoordinateReferenceSystem crs, String crsCode, List<FieldDef> fields, long featureCount) {
    public LayerDef {
        fields = List.copyOf(fields);
        if (geometryKind == GeometryKind.NONE && (crs != null || crsCode != null || hasZ || hasM)) {
            throw new IllegalArgumentException("layer '" + name + "' has no geometry: it has no CRS, Z or M");
        }
    }

    /** A table of attributes only: no geometry, no CRS. */
    public static LayerDef attributes(String name, List<FieldDef> fields, long featureCount) {
        return new LayerDef(name, GeometryKind.NONE, false, false, null, null, fields, featureCount);
    }

    /** False for a table of attributes only ({@link GeometryKind#NONE}). */
    public boolean hasGeometry() {
        return geometryKind != GeometryKind.NONE;
    }

    /**
     * This layer as written in the target CRS {@code crs} ({@code code}, e.g. {@code EPSG:4326}):
     * the same name, kind, dimensions, fields and count. A layer without geometry is returned as
     * it is: a table has no CRS to change.
     */
    public LayerDef inCrs(CoordinateReferenceSystem crs, String code) {
        return hasGeometry() ? new LayerDef(name, geometryKind, hasZ, hasM, crs, code, fields, featureCount) : this;
    }
}
