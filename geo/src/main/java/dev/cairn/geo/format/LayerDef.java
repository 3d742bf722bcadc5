package dev.cairn.geo.format;

import java.util.List;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/**
 * A layer's schema, as read from a source or handed to a sink.
 *
 * @param name         layer name (for single-layer formats: the file's stem)
 * @param geometryKind declared geometry type
 * @param hasZ         coordinates carry Z
 * @param hasM         coordinates carry M
 * @param crs          the layer's CRS with x = east/longitude (see CrsResolver), or null when the
 *                     source declares none
 * @param crsCode      {@code EPSG:n} when the CRS is known by code, else null
 * @param fields       the attributes, in order
 * @param featureCount number of features, or -1 when unknown without a full read
 */
public record LayerDef(String name, GeometryKind geometryKind, boolean hasZ, boolean hasM,
                       CoordinateReferenceSystem crs, String crsCode, List<FieldDef> fields, long featureCount) {
    public LayerDef {
        fields = List.copyOf(fields);
    }
}
