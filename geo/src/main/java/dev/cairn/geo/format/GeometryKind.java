package dev.cairn.geo.format;

/** The declared geometry type of a layer; {@link #GEOMETRY} means any (mixed). */
public enum GeometryKind {
    POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON, GEOMETRYCOLLECTION, GEOMETRY
}
