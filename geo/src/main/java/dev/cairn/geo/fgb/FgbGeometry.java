package dev.cairn.geo.fgb;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.cairn.geo.format.GeometryKind;
import java.io.IOException;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiLineString;
import org.locationtech.jts.geom.MultiPoint;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.wololo.flatgeobuf.GeometryConversions;
import org.wololo.flatgeobuf.generated.GeometryType;

/**
 * Geometry types and the geometry table of a feature. Simple types go through the library's
 * {@link GeometryConversions}; GeometryCollection (which it does not handle) is a table whose
 * {@code parts} each carry their own type. In a layer of a declared type the per-feature type is
 * 0 (the header's applies); in an Unknown layer each feature names its type.
 */
final class FgbGeometry {
    private static final GeometryFactory FACTORY = new GeometryFactory();

    private FgbGeometry() {
    }

    static int headerType(GeometryKind kind) {
        return switch (kind) {
            case POINT -> GeometryType.Point;
            case LINESTRING -> GeometryType.LineString;
            case POLYGON -> GeometryType.Polygon;
            case MULTIPOINT -> GeometryType.MultiPoint;
            case MULTILINESTRING -> GeometryType.MultiLineString;
            case MULTIPOLYGON -> GeometryType.MultiPolygon;
            case GEOMETRYCOLLECTION -> GeometryType.GeometryCollection;
            case GEOMETRY -> GeometryType.Unknown;
        };
    }

    /** The kind of a header type, or null for curves, surfaces and TINs (not supported). */
    static GeometryKind kind(int type) {
        return switch (type) {
            case GeometryType.Unknown -> GeometryKind.GEOMETRY;
            case GeometryType.Point -> GeometryKind.POINT;
            case GeometryType.LineString -> GeometryKind.LINESTRING;
            case GeometryType.Polygon -> GeometryKind.POLYGON;
            case GeometryType.MultiPoint -> GeometryKind.MULTIPOINT;
            case GeometryType.MultiLineString -> GeometryKind.MULTILINESTRING;
            case GeometryType.MultiPolygon -> GeometryKind.MULTIPOLYGON;
            case GeometryType.GeometryCollection -> GeometryKind.GEOMETRYCOLLECTION;
            default -> null;
        };
    }

    /** The type of a geometry as FlatGeobuf names it. */
    static int typeOf(Geometry g) {
        if (g instanceof Point) {
            return GeometryType.Point;
        } else if (g instanceof LineString) {
            return GeometryType.LineString;
        } else if (g instanceof Polygon) {
            return GeometryType.Polygon;
        } else if (g instanceof MultiPoint) {
            return GeometryType.MultiPoint;
        } else if (g instanceof MultiLineString) {
            return GeometryType.MultiLineString;
        } else if (g instanceof MultiPolygon) {
            return GeometryType.MultiPolygon;
        }
        return GeometryType.GeometryCollection;
    }

    /**
     * Serialises {@code g} for a layer of {@code headerType}: a single Point, LineString or
     * Polygon in a layer of the matching multi type is promoted to a one-part multi geometry.
     *
     * @throws IllegalArgumentException when {@code g} does not fit the layer's type
     */
    static int write(FlatBufferBuilder b, Geometry g, int headerType) throws IOException {
        if (headerType == GeometryType.Unknown) {
            return writeTyped(b, g);
        }
        Geometry fit = promote(g, headerType);
        if (typeOf(fit) != headerType) {
            throw new IllegalArgumentException("a " + g.getGeometryType() + " in a layer of type "
                    + GeometryType.name(headerType));
        }
        if (headerType == GeometryType.GeometryCollection) {
            return writeCollection(b, (GeometryCollection) fit);
        }
        return GeometryConversions.serialize(b, fit, (byte) headerType);
    }

    private static int writeTyped(FlatBufferBuilder b, Geometry g) throws IOException {
        if (typeOf(g) == GeometryType.GeometryCollection) {
            return writeCollection(b, (GeometryCollection) g);
        }
        return GeometryConversions.serialize(b, g, (byte) GeometryType.Unknown);
    }

    private static int writeCollection(FlatBufferBuilder b, GeometryCollection gc) throws IOException {
        int[] parts = new int[gc.getNumGeometries()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = writeTyped(b, gc.getGeometryN(i));
        }
        int partsVector = org.wololo.flatgeobuf.generated.Geometry.createPartsVector(b, parts);
        org.wololo.flatgeobuf.generated.Geometry.startGeometry(b);
        org.wololo.flatgeobuf.generated.Geometry.addParts(b, partsVector);
        // typed even in a GeometryCollection layer, so a reader needs no header to decode it
        org.wololo.flatgeobuf.generated.Geometry.addType(b, GeometryType.GeometryCollection);
        return org.wololo.flatgeobuf.generated.Geometry.endGeometry(b);
    }

    private static Geometry promote(Geometry g, int headerType) {
        if (headerType == GeometryType.MultiPoint && g instanceof Point p) {
            return FACTORY.createMultiPoint(p.isEmpty() ? new Point[0] : new Point[] {p});
        } else if (headerType == GeometryType.MultiLineString && g instanceof LineString l) {
            return FACTORY.createMultiLineString(l.isEmpty() ? new LineString[0] : new LineString[] {l});
        } else if (headerType == GeometryType.MultiPolygon && g instanceof Polygon p) {
            return FACTORY.createMultiPolygon(p.isEmpty() ? new Polygon[0] : new Polygon[] {p});
        }
        return g;
    }

    /**
     * Decodes a geometry table of a layer of {@code headerType}.
     *
     * @throws IllegalArgumentException when the type is not supported or the table is malformed
     */
    static Geometry read(org.wololo.flatgeobuf.generated.Geometry g, int headerType) {
        int type = headerType == GeometryType.Unknown || g.type() != 0 ? g.type() : headerType;
        if (type == GeometryType.GeometryCollection) {
            Geometry[] parts = new Geometry[g.partsLength()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = read(g.parts(i), GeometryType.Unknown);
            }
            return FACTORY.createGeometryCollection(parts);
        }
        if (kind(type) == null || type == GeometryType.Unknown) {
            throw new IllegalArgumentException("geometry type " + GeometryType.name(type) + " is not supported");
        }
        return GeometryConversions.deserialize(g, type);
    }
}
