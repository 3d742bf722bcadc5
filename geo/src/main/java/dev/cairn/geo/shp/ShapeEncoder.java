package dev.cairn.geo.shp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.algorithm.Orientation;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateSequences;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiLineString;
import org.locationtech.jts.geom.MultiPoint;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * Encodes JTS geometries as .shp record contents of one shape type and accumulates the file's
 * extent. Polygon rings are written as the specification wants them whatever their input
 * orientation: shells clockwise, holes counter-clockwise. Missing Z is written as 0, missing or
 * NaN M as the "no data" value -1e39 (left out of the M range).
 */
final class ShapeEncoder {
    static final double NO_DATA_OUT = -1e39;

    /** A geometry that does not fit the file's shape type. */
    static final class MismatchException extends Exception {
        private static final long serialVersionUID = 1L;

        MismatchException(String message) {
            super(message);
        }
    }

    private final ShapeType type;
    /** Whether the M block is written: always for M types and PointZ, for other Z types when the layer has M. */
    private final boolean writeM;
    /** xmin, ymin, xmax, ymax, zmin, zmax, mmin, mmax of everything written. */
    final double[] extent = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    ShapeEncoder(ShapeType type, boolean layerHasM) {
        this.type = type;
        this.writeM = type.m && (!type.z || layerHasM || type.base == ShapeType.Base.POINT);
    }

    ShapeType type() {
        return type;
    }

    /** The family a geometry is written as, or null for a Null shape (null or empty geometry). */
    static ShapeType.Base baseOf(Geometry g) throws MismatchException {
        if (g == null || g.isEmpty()) {
            return null;
        }
        if (g instanceof Point) {
            return ShapeType.Base.POINT;
        } else if (g instanceof MultiPoint) {
            return ShapeType.Base.MULTIPOINT;
        } else if (g instanceof LineString || g instanceof MultiLineString) {
            return ShapeType.Base.POLYLINE;
        } else if (g instanceof Polygon || g instanceof MultiPolygon) {
            return ShapeType.Base.POLYGON;
        }
        throw new MismatchException(g.getGeometryType() + " cannot be stored in a shapefile");
    }

    /** The record content for {@code g} (little-endian, flipped for reading). */
    ByteBuffer encode(Geometry g) throws MismatchException {
        ShapeType.Base base = baseOf(g);
        if (base == null) {
            return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0);
        }
        if (base != type.base && !(base == ShapeType.Base.POINT && type.base == ShapeType.Base.MULTIPOINT)) {
            throw new MismatchException("a " + g.getGeometryType() + " in a " + type.label()
                    + " shapefile (a shapefile holds one geometry type; split the layer by type)");
        }
        List<CoordinateSequence> parts = new ArrayList<>();
        switch (type.base) {
            case POINT -> parts.add(((Point) g).getCoordinateSequence());
            case MULTIPOINT -> {
                for (int i = 0; i < g.getNumGeometries(); i++) {
                    Point p = (Point) g.getGeometryN(i);
                    if (!p.isEmpty()) {
                        parts.add(p.getCoordinateSequence());
                    }
                }
            }
            case POLYLINE -> {
                for (int i = 0; i < g.getNumGeometries(); i++) {
                    LineString l = (LineString) g.getGeometryN(i);
                    if (!l.isEmpty()) {
                        parts.add(l.getCoordinateSequence());
                    }
                }
            }
            case POLYGON -> {
                for (int i = 0; i < g.getNumGeometries(); i++) {
                    Polygon p = (Polygon) g.getGeometryN(i);
                    if (p.isEmpty()) {
                        continue;
                    }
                    parts.add(oriented(p.getExteriorRing().getCoordinateSequence(), false));
                    for (int h = 0; h < p.getNumInteriorRing(); h++) {
                        parts.add(oriented(p.getInteriorRingN(h).getCoordinateSequence(), true));
                    }
                }
            }
            default -> throw new IllegalStateException(type.name());
        }
        return type.base == ShapeType.Base.POINT ? point(parts.get(0)) : multi(parts);
    }

    /** Shells clockwise, holes counter-clockwise (shapefile rule). */
    private static CoordinateSequence oriented(CoordinateSequence ring, boolean hole) {
        if (ring.size() < 4 || Orientation.isCCW(ring) == hole) {
            return ring;
        }
        CoordinateSequence copy = ring.copy();
        CoordinateSequences.reverse(copy);
        return copy;
    }

    private ByteBuffer point(CoordinateSequence s) {
        int len = 20 + (type.z ? 16 : type.m ? 8 : 0);
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type.code).putDouble(s.getX(0)).putDouble(s.getY(0));
        grow(s.getX(0), s.getY(0));
        if (type.z) {
            b.putDouble(z(s, 0));
        }
        if (type.m) {
            b.putDouble(m(s, 0));
        }
        return b.flip();
    }

    private ByteBuffer multi(List<CoordinateSequence> parts) {
        boolean multipoint = type.base == ShapeType.Base.MULTIPOINT;
        int n = 0;
        for (CoordinateSequence s : parts) {
            n += s.size();
        }
        int nParts = multipoint ? 0 : parts.size();
        long len = 40 + (multipoint ? 0 : 4 + 4L * nParts) + 16L * n + (type.z ? 16 + 8L * n : 0)
                + (writeM ? 16 + 8L * n : 0);
        if (len > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a geometry of " + n + " points is too large for one record");
        }
        ByteBuffer b = ByteBuffer.allocate((int) len).order(ByteOrder.LITTLE_ENDIAN);
        double[] box = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.NEGATIVE_INFINITY};
        b.putInt(type.code).position(36);
        if (!multipoint) {
            b.putInt(nParts);
        }
        b.putInt(n);
        int start = 0;
        for (int i = 0; i < nParts; i++) {
            b.putInt(start);
            start += parts.get(i).size();
        }
        for (CoordinateSequence s : parts) {
            for (int i = 0; i < s.size(); i++) {
                double x = s.getX(i);
                double y = s.getY(i);
                b.putDouble(x).putDouble(y);
                box[0] = Math.min(box[0], x);
                box[1] = Math.min(box[1], y);
                box[2] = Math.max(box[2], x);
                box[3] = Math.max(box[3], y);
            }
        }
        b.putDouble(4, box[0]).putDouble(12, box[1]).putDouble(20, box[2]).putDouble(28, box[3]);
        grow(box[0], box[1]);
        grow(box[2], box[3]);
        if (type.z) {
            range(b, parts, true);
        }
        if (writeM) {
            range(b, parts, false);
        }
        return b.flip();
    }

    /** Writes the Z (or M) range and values at the buffer's position. */
    private void range(ByteBuffer b, List<CoordinateSequence> parts, boolean z) {
        int rangeAt = b.position();
        b.position(rangeAt + 16);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (CoordinateSequence s : parts) {
            for (int i = 0; i < s.size(); i++) {
                double v = z ? z(s, i) : m(s, i);
                b.putDouble(v);
                if (z || v != NO_DATA_OUT) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        boolean none = min > max;
        b.putDouble(rangeAt, none ? (z ? 0 : NO_DATA_OUT) : min).putDouble(rangeAt + 8, none ? (z ? 0 : NO_DATA_OUT) : max);
        int e = z ? 4 : 6;
        if (!none) {
            extent[e] = Math.min(extent[e], min);
            extent[e + 1] = Math.max(extent[e + 1], max);
        }
    }

    private void grow(double x, double y) {
        extent[0] = Math.min(extent[0], x);
        extent[1] = Math.min(extent[1], y);
        extent[2] = Math.max(extent[2], x);
        extent[3] = Math.max(extent[3], y);
    }

    private double z(CoordinateSequence s, int i) {
        if (!s.hasZ()) {
            return 0;
        }
        double z = s.getZ(i);
        if (Double.isNaN(z)) {
            return 0;
        }
        extent[4] = Math.min(extent[4], z);
        extent[5] = Math.max(extent[5], z);
        return z;
    }

    private double m(CoordinateSequence s, int i) {
        double m = s.hasM() ? s.getM(i) : Double.NaN;
        if (Double.isNaN(m)) {
            return NO_DATA_OUT;
        }
        extent[6] = Math.min(extent[6], m);
        extent[7] = Math.max(extent[7], m);
        return m;
    }
}
