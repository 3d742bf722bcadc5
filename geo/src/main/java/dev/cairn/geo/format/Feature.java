package dev.cairn.geo.format;

import org.locationtech.jts.geom.Geometry;

/**
 * One feature: an id, a geometry (null for a NULL geometry; an empty geometry is allowed) and
 * the attribute values in the order of {@link LayerDef#fields()}, typed as {@link FieldType} says.
 */
public record Feature(long fid, Geometry geometry, Object[] values) {
}
