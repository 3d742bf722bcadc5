package dev.cairn.geo.shp;

import dev.cairn.geo.format.GeometryKind;

/**
 * The shape types of the ESRI Shapefile Technical Description (1998), without MultiPatch.
 * A file holds one type; any record may also be a {@link #NULL} shape.
 */
enum ShapeType {
    NULL(0, Base.NULL, false, false),
    POINT(1, Base.POINT, false, false),
    POLYLINE(3, Base.POLYLINE, false, false),
    POLYGON(5, Base.POLYGON, false, false),
    MULTIPOINT(8, Base.MULTIPOINT, false, false),
    POINTZ(11, Base.POINT, true, true),
    POLYLINEZ(13, Base.POLYLINE, true, true),
    POLYGONZ(15, Base.POLYGON, true, true),
    MULTIPOINTZ(18, Base.MULTIPOINT, true, true),
    POINTM(21, Base.POINT, false, true),
    POLYLINEM(23, Base.POLYLINE, false, true),
    POLYGONM(25, Base.POLYGON, false, true),
    MULTIPOINTM(28, Base.MULTIPOINT, false, true);

    /** The geometry family, independent of Z and M. */
    enum Base { NULL, POINT, MULTIPOINT, POLYLINE, POLYGON }

    final int code;
    final Base base;
    final boolean z;
    /** M values may be present (mandatory for M types, optional for Z types). */
    final boolean m;

    ShapeType(int code, Base base, boolean z, boolean m) {
        this.code = code;
        this.base = base;
        this.z = z;
        this.m = m;
    }

    /** The type with this code, or null (MultiPatch 31 and unknown codes). */
    static ShapeType ofCode(int code) {
        for (ShapeType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    static ShapeType of(Base base, boolean z, boolean m) {
        for (ShapeType t : values()) {
            if (t.base == base && t.z == z && (z || t.m == m)) {
                return t;
            }
        }
        throw new IllegalArgumentException(base.name());
    }

    /**
     * The declared kind of a layer of this type. Polylines and polygons are declared multi
     * because any record may hold several parts; a one-part record is still read as a plain
     * LineString or Polygon, as GDAL does.
     */
    GeometryKind kind() {
        return switch (base) {
            case NULL -> GeometryKind.GEOMETRY;
            case POINT -> GeometryKind.POINT;
            case MULTIPOINT -> GeometryKind.MULTIPOINT;
            case POLYLINE -> GeometryKind.MULTILINESTRING;
            case POLYGON -> GeometryKind.MULTIPOLYGON;
        };
    }

    /** The family a declared layer kind is written as, or null when the first geometry decides. */
    static Base baseOf(GeometryKind kind) {
        return switch (kind) {
            case POINT -> Base.POINT;
            case MULTIPOINT -> Base.MULTIPOINT;
            case LINESTRING, MULTILINESTRING -> Base.POLYLINE;
            case POLYGON, MULTIPOLYGON -> Base.POLYGON;
            case GEOMETRY, GEOMETRYCOLLECTION, NONE -> null;
        };
    }

    String label() {
        return switch (base) {
            case NULL -> "Null";
            case POINT -> "Point";
            case MULTIPOINT -> "MultiPoint";
            case POLYLINE -> "PolyLine";
            case POLYGON -> "Polygon";
        } + (z ? "Z" : m ? "M" : "");
    }
}
