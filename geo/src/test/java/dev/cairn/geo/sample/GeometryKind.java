package dev.cairn.geo.sample;

import mil.nga.sf.GeometryType;

/** The geometry type of a generated layer, as declared in {@code gpkg_geometry_columns}. */
public enum GeometryKind {
    POINT(GeometryType.POINT),
    LINESTRING(GeometryType.LINESTRING),
    POLYGON(GeometryType.POLYGON),
    MULTIPOINT(GeometryType.MULTIPOINT),
    MULTILINESTRING(GeometryType.MULTILINESTRING),
    MULTIPOLYGON(GeometryType.MULTIPOLYGON),
    /** Declared as GEOMETRY; the features cycle through points, lines, polygons and multi-geometries. */
    MIXED(GeometryType.GEOMETRY);

    final GeometryType declared;

    GeometryKind(GeometryType declared) {
        this.declared = declared;
    }
}
