package dev.cairn.geo.fgb;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.cairn.geo.format.GeometryKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.impl.CoordinateArraySequence;
import org.locationtech.jts.geom.util.GeometryEditor;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiLineString;
import org.locationtech.jts.geom.MultiPoint;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.wololo.flatgeobuf.GeometryConversions;
import org.wololo.flatgeobuf.GeometryOffsets;
import org.wololo.flatgeobuf.generated.GeometryType;

/**
 * Geometry types and the geometry table of a feature. Simple types go through the library's
 * {@link GeometryConversions}; GeometryCollection (which it does not handle) is a table whose
 * {@code parts} each carry their own type. In a layer of a declared type the per-feature type is
 * 0 (the header's applies); in an Unknown layer each feature names its type.
 *
 * <p><b>Empty geometries.</b> FlatGeobuf has no encoding of an empty geometry that readers agree
 * on: GDAL fails on a Point without coordinates and on a MultiPolygon or MultiLineString without
 * parts or ends ("Unexpected nullptr: parts data"), and its own writer drops empty parts and
 * writes an empty geometry as none (older versions drop the feature). cairn does as GDAL's
 * writer: empty members of a multi geometry or collection are left out, and a geometry left
 * empty is written as no geometry — the feature and its attributes are kept.
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
            case NONE -> GeometryType.Unknown; // FlatGeobuf has no "no geometry" type; GDAL writes Unknown too
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
    static int write(FlatBufferBuilder b, Geometry geometry, int headerType) throws IOException {
        Geometry g = xyzmWhereXym(geometry);
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
        return serialize(b, fit, headerType);
    }

    /**
     * The library's serialisation, except that a MultiLineString of one part gets its
     * {@code ends} too: the library (like GDAL's writer) leaves them out, and GDAL up to 3.6 then
     * fails to read it ("Unexpected nullptr: MultiLineString ends data"); readers that accept no
     * ends read one end as the same single part.
     *
     * @param type the type of the table: 0 in a layer of a declared type, else the geometry's
     */
    private static int serialize(FlatBufferBuilder b, Geometry g, int type) throws IOException {
        if ((g instanceof Polygon || g instanceof MultiPolygon) && xyOnly(g)) {
            return serializeXyPolygons(b, g, type);
        }
        if (!(g instanceof MultiLineString mls) || mls.getNumGeometries() != 1) {
            return GeometryConversions.serialize(b, g, (byte) type);
        }
        GeometryOffsets o = GeometryConversions.serializePart(b, g, GeometryType.MultiLineString);
        int ends = org.wololo.flatgeobuf.generated.Geometry.createEndsVector(b, new long[] {g.getNumPoints()});
        return org.wololo.flatgeobuf.generated.Geometry.createGeometry(b, ends, o.coordsOffset, o.zOffset, o.mOffset,
                0, 0, type == GeometryType.Unknown ? GeometryType.MultiLineString : 0, 0);
    }

    /**
     * A Polygon or MultiPolygon without Z or M, serialised to the same bytes as the library's
     * {@link GeometryConversions#serialize} (same tables, vectors and order: per polygon its xy
     * vector then its ends vector; for a MultiPolygon, every polygon's vectors, then a table per
     * polygon, the parts vector and the geometry table), with the coordinates copied into the
     * xy vector in one go. The library adds each ordinate through a per-coordinate filter; that
     * was 8 % of the CPU samples of a FlatGeobuf conversion of 1M polygons (JFR). Anything else
     * goes through the library.
     */
    private static int serializeXyPolygons(FlatBufferBuilder b, Geometry g, int type) {
        int known = g instanceof Polygon ? GeometryType.Polygon : GeometryType.MultiPolygon;
        int typeField = type == GeometryType.Unknown ? known : 0;
        if (g instanceof Polygon p) {
            int coords = xyVector(b, p);
            int ends = ringEnds(b, p);
            return org.wololo.flatgeobuf.generated.Geometry.createGeometry(b, ends, coords, 0, 0, 0, 0, typeField, 0);
        }
        int n = g.getNumGeometries();
        int[] coords = new int[n];
        int[] ends = new int[n];
        for (int i = 0; i < n; i++) {
            Polygon p = (Polygon) g.getGeometryN(i);
            coords[i] = xyVector(b, p);
            ends[i] = ringEnds(b, p);
        }
        if (n == 0) { // as the library: no parts, no vectors
            return org.wololo.flatgeobuf.generated.Geometry.createGeometry(b, 0, 0, 0, 0, 0, 0, typeField, 0);
        }
        int[] parts = new int[n];
        for (int i = 0; i < n; i++) {
            parts[i] = org.wololo.flatgeobuf.generated.Geometry.createGeometry(b, ends[i], coords[i], 0, 0, 0, 0,
                    GeometryType.Polygon, 0);
        }
        int partsVector = org.wololo.flatgeobuf.generated.Geometry.createPartsVector(b, parts);
        return org.wololo.flatgeobuf.generated.Geometry.createGeometry(b, 0, 0, 0, 0, 0, 0, typeField, partsVector);
    }

    /** Whether no coordinate sequence of the polygon(s) {@code g} has Z or M. */
    private static boolean xyOnly(Geometry g) {
        for (int i = 0; i < g.getNumGeometries(); i++) {
            Polygon p = (Polygon) g.getGeometryN(i);
            if (hasZOrM(p.getExteriorRing().getCoordinateSequence())) {
                return false;
            }
            for (int k = 0; k < p.getNumInteriorRing(); k++) {
                if (hasZOrM(p.getInteriorRingN(k).getCoordinateSequence())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean hasZOrM(CoordinateSequence seq) {
        return seq.hasZ() || seq.hasM();
    }

    /** The xy vector of {@code p}: the shell's coordinates, then each hole's, x and y as float64. */
    private static int xyVector(FlatBufferBuilder b, Polygon p) {
        int points = p.getNumPoints();
        java.nio.ByteBuffer xy = b.createUnintializedVector(8, 2 * points, 8); // little-endian, 16 bytes a point
        putXy(xy, p.getExteriorRing().getCoordinateSequence());
        for (int k = 0; k < p.getNumInteriorRing(); k++) {
            putXy(xy, p.getInteriorRingN(k).getCoordinateSequence());
        }
        return b.endVector();
    }

    private static void putXy(java.nio.ByteBuffer xy, CoordinateSequence seq) {
        for (int i = 0, n = seq.size(); i < n; i++) {
            xy.putDouble(seq.getX(i));
            xy.putDouble(seq.getY(i));
        }
    }

    /** The ends vector of {@code p}: where each ring ends, counted in points (the shell's always there). */
    private static int ringEnds(FlatBufferBuilder b, Polygon p) {
        long[] ends = new long[p.getNumInteriorRing() + 1];
        long end = p.getExteriorRing().getNumPoints();
        ends[0] = end;
        for (int k = 0; k < p.getNumInteriorRing(); k++) {
            ends[k + 1] = end += p.getInteriorRingN(k).getNumPoints();
        }
        return org.wololo.flatgeobuf.generated.Geometry.createEndsVector(b, ends);
    }

    private static int writeTyped(FlatBufferBuilder b, Geometry g) throws IOException {
        if (typeOf(g) == GeometryType.GeometryCollection) {
            return writeCollection(b, (GeometryCollection) g);
        }
        return serialize(b, g, GeometryType.Unknown);
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

    /**
     * {@code g} with XYZM coordinates (Z NaN) where it has XYM ones: the library writes M as
     * ordinate 3, which an XYM sequence (a Shapefile's PolylineM) does not have ("Invalid ordinate
     * index: 3"); an all-NaN Z is not written.
     */
    static Geometry xyzmWhereXym(Geometry g) {
        if (g == null) {
            return null;
        }
        if (!hasXymSequence(g)) {
            return g;
        }
        return new GeometryEditor(g.getFactory()).edit(g, new GeometryEditor.CoordinateSequenceOperation() {
            @Override
            public CoordinateSequence edit(CoordinateSequence seq, Geometry geometry) {
                CoordinateSequence out = new CoordinateArraySequence(seq.size(), 4, 1);
                for (int i = 0; i < seq.size(); i++) {
                    out.setOrdinate(i, 0, seq.getX(i));
                    out.setOrdinate(i, 1, seq.getY(i));
                    out.setOrdinate(i, 2, seq.hasZ() ? seq.getZ(i) : Double.NaN);
                    out.setOrdinate(i, 3, seq.hasM() ? seq.getM(i) : Double.NaN);
                }
                return out;
            }
        });
    }

    /**
     * Whether a coordinate sequence of {@code g} has M without Z: a look at each sequence, not at
     * each coordinate (a {@code CoordinateSequenceFilter} asked every coordinate, 6 % of the CPU
     * samples of a FlatGeobuf conversion of 1M polygons). An empty sequence, having no coordinate
     * to ask, does not count.
     */
    private static boolean hasXymSequence(Geometry g) {
        if (g instanceof Point p) {
            return xym(p.getCoordinateSequence());
        } else if (g instanceof LineString l) {
            return xym(l.getCoordinateSequence());
        } else if (g instanceof Polygon p) {
            if (xym(p.getExteriorRing().getCoordinateSequence())) {
                return true;
            }
            for (int i = 0; i < p.getNumInteriorRing(); i++) {
                if (xym(p.getInteriorRingN(i).getCoordinateSequence())) {
                    return true;
                }
            }
            return false;
        }
        for (int i = 0; i < g.getNumGeometries(); i++) {
            if (hasXymSequence(g.getGeometryN(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean xym(CoordinateSequence seq) {
        return seq.size() > 0 && seq.hasM() && !seq.hasZ();
    }

    /** {@code g} without its empty members (recursively), or {@code g} itself when it has none. */
    static Geometry withoutEmptyParts(Geometry g) {
        if (!(g instanceof GeometryCollection gc) || g.isEmpty()) {
            return g;
        }
        List<Geometry> kept = new ArrayList<>(gc.getNumGeometries());
        boolean changed = false;
        for (int i = 0; i < gc.getNumGeometries(); i++) {
            Geometry part = gc.getGeometryN(i);
            Geometry cleaned = withoutEmptyParts(part);
            if (cleaned.isEmpty()) {
                changed = true;
            } else {
                changed |= cleaned != part;
                kept.add(cleaned);
            }
        }
        if (!changed) {
            return g;
        }
        if (g instanceof MultiPolygon) {
            return g.getFactory().createMultiPolygon(kept.toArray(Polygon[]::new));
        } else if (g instanceof MultiLineString) {
            return g.getFactory().createMultiLineString(kept.toArray(LineString[]::new));
        } else if (g instanceof MultiPoint) {
            return g.getFactory().createMultiPoint(kept.toArray(Point[]::new));
        }
        return g.getFactory().createGeometryCollection(kept.toArray(Geometry[]::new));
    }

    private static Geometry promote(Geometry g, int headerType) {
        GeometryKind kind = kind(headerType);
        return kind == null ? g : kind.promote(g);
    }

    /** Collections nested deeper than this are refused: a damaged part offset can point back at its parent. */
    static final int MAX_DEPTH = 64;

    /**
     * Decodes a geometry table of a layer of {@code headerType}.
     *
     * @throws IllegalArgumentException when the type is not supported or the table is malformed
     */
    static Geometry read(org.wololo.flatgeobuf.generated.Geometry g, int headerType) {
        return read(g, headerType, 0);
    }

    private static Geometry read(org.wololo.flatgeobuf.generated.Geometry g, int headerType, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("geometry collections nested more than " + MAX_DEPTH + " deep");
        }
        checkLengths(g, depth);
        int type = headerType == GeometryType.Unknown || g.type() != 0 ? g.type() : headerType;
        if (type == GeometryType.GeometryCollection) {
            Geometry[] parts = new Geometry[g.partsLength()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = read(g.parts(i), GeometryType.Unknown, depth + 1);
            }
            return FACTORY.createGeometryCollection(parts);
        }
        if (kind(type) == null || type == GeometryType.Unknown) {
            String name = type >= GeometryType.Unknown && type <= GeometryType.Triangle
                    ? GeometryType.name(type) : "code " + type;
            throw new IllegalArgumentException("geometry type " + name + " is not supported");
        }
        return GeometryConversions.deserialize(g, type);
    }

    /**
     * The geometry's vectors (xy, z, m, ends, parts) checked against the feature's buffer before
     * the library allocates arrays of their declared lengths: a damaged length would otherwise ask
     * for gigabytes (OutOfMemoryError) from a feature of a few bytes.
     */
    private static void checkLengths(org.wololo.flatgeobuf.generated.Geometry g, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("geometry parts nested more than " + MAX_DEPTH + " deep");
        }
        long capacity = g.getByteBuffer().capacity();
        long[][] vectors = {{g.xyLength(), 8}, {g.zLength(), 8}, {g.mLength(), 8}, {g.endsLength(), 4},
            {g.partsLength(), 4}};
        String[] names = {"xy", "z", "m", "ends", "parts"};
        for (int i = 0; i < vectors.length; i++) {
            long n = vectors[i][0];
            if (n < 0 || n * vectors[i][1] > capacity) {
                throw new IllegalArgumentException("geometry declares " + n + " " + names[i] + " values, more than its "
                        + capacity + "-byte feature holds");
            }
        }
        // ring/part ends index the coordinates: each after the one before, none beyond them (a
        // damaged end makes the library build rings of millions of copied coordinates)
        long points = g.xyLength() / 2;
        long previous = 0;
        for (int i = 0; i < g.endsLength(); i++) {
            long end = g.ends(i);
            if (end <= previous || end > points) {
                throw new IllegalArgumentException("geometry part " + i + " ends at coordinate " + end + " (after "
                        + previous + ", of " + points + ")");
            }
            previous = end;
        }
        // the parts of a multi-geometry are geometries of their own, decoded by the library
        for (int i = 0; i < g.partsLength(); i++) {
            checkLengths(g.parts(i), depth + 1);
        }
    }
}
