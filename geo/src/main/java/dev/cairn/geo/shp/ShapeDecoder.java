package dev.cairn.geo.shp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateXY;
import org.locationtech.jts.geom.CoordinateXYM;
import org.locationtech.jts.geom.CoordinateXYZM;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.impl.CoordinateArraySequence;

/**
 * Decodes the content of one .shp record (little-endian, starting at the shape type) into a JTS
 * geometry whose coordinates have the layer's dimensions: Z when the layer has Z, M when it has
 * M. An M below -1e38 is the specification's "no data" and becomes NaN; a Z record without its
 * optional M block gets NaN measures. Polylines with one part become a LineString, with several
 * a MultiLineString; polygon rings are grouped by {@link RingAssembler}.
 *
 * <p>Every count and offset is checked against the record length: a malformed record raises
 * {@link MalformedShapeException}, never a wrong geometry.
 */
final class ShapeDecoder {
    static final double NO_DATA = -1e38;

    private final GeometryFactory gf;
    private final ShapeType layerType;
    private final boolean outZ;
    private final boolean outM;

    ShapeDecoder(GeometryFactory gf, ShapeType layerType, boolean outZ, boolean outM) {
        this.gf = gf;
        this.layerType = layerType;
        this.outZ = outZ;
        this.outM = outM;
    }

    static final class MalformedShapeException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedShapeException(String message) {
            super(message);
        }
    }

    /** The geometry, or null for a Null shape. {@code b} holds exactly the record content. */
    Geometry decode(ByteBuffer b) throws MalformedShapeException {
        int len = b.remaining();
        need(len, 4, "shape type");
        int code = b.getInt(b.position());
        if (code == 0) {
            return null;
        }
        if (code != layerType.code) {
            ShapeType t = ShapeType.ofCode(code);
            throw new MalformedShapeException("shape type " + (t == null ? code : t.label() + " (" + code + ")")
                    + " in a " + layerType.label() + " file");
        }
        return switch (layerType.base) {
            case NULL -> null;
            case POINT -> point(b, len);
            case MULTIPOINT -> multiPoint(b, len);
            case POLYLINE, POLYGON -> parts(b, len);
        };
    }

    private Point point(ByteBuffer b, int len) throws MalformedShapeException {
        int p = b.position() + 4;
        int needed = 20 + (layerType.z ? 8 : 0) + (layerType.m && !layerType.z ? 8 : 0);
        need(len, needed, "point");
        double x = b.getDouble(p);
        double y = b.getDouble(p + 8);
        double z = layerType.z ? b.getDouble(p + 16) : Double.NaN;
        double m = Double.NaN;
        if (layerType.z && len >= 36) {
            m = measure(b.getDouble(p + 24));
        } else if (layerType.m && !layerType.z) {
            m = measure(b.getDouble(p + 16));
        }
        return gf.createPoint(sequence(new double[] {x, y}, z, m));
    }

    private Geometry multiPoint(ByteBuffer b, int len) throws MalformedShapeException {
        int base = b.position();
        need(len, 40, "multipoint header");
        int n = b.getInt(base + 36);
        long xyEnd = 40L + 16L * n;
        if (n < 0) {
            throw new MalformedShapeException("negative point count " + n);
        }
        need(len, xyEnd, n + " points");
        double[][] zm = zm(b, base, len, xyEnd, n);
        Point[] points = new Point[n];
        for (int i = 0; i < n; i++) {
            int p = base + 40 + 16 * i;
            points[i] = gf.createPoint(sequence(new double[] {b.getDouble(p), b.getDouble(p + 8)},
                    zm[0] == null ? Double.NaN : zm[0][i], zm[1] == null ? Double.NaN : measure(zm[1][i])));
        }
        return gf.createMultiPoint(points);
    }

    private Geometry parts(ByteBuffer b, int len) throws MalformedShapeException {
        int base = b.position();
        need(len, 44, "header");
        int nParts = b.getInt(base + 36);
        int n = b.getInt(base + 40);
        if (nParts < 0 || n < 0 || (nParts == 0) != (n == 0) || nParts > n) {
            throw new MalformedShapeException(nParts + " parts for " + n + " points");
        }
        long xyStart = 44L + 4L * nParts;
        long xyEnd = xyStart + 16L * n;
        need(len, xyEnd, nParts + " parts and " + n + " points");
        double[][] zm = zm(b, base, len, xyEnd, n);
        int[] starts = new int[nParts + 1];
        for (int i = 0; i < nParts; i++) {
            starts[i] = b.getInt(base + 44 + 4 * i);
            if (starts[i] < 0 || starts[i] >= n || (i > 0 && starts[i] < starts[i - 1])) {
                throw new MalformedShapeException("part " + i + " starts at point " + starts[i] + " of " + n);
            }
        }
        starts[nParts] = n;
        boolean polygon = layerType.base == ShapeType.Base.POLYGON;
        List<LinearRing> rings = new ArrayList<>();
        List<LineString> lines = new ArrayList<>();
        for (int part = 0; part < nParts; part++) {
            int from = starts[part];
            int count = starts[part + 1] - from;
            if (count == 0) {
                continue;
            }
            boolean close = polygon && !same(b, base + (int) xyStart, from, from + count - 1);
            Coordinate[] cs = new Coordinate[count + (close ? 1 : 0)];
            for (int i = 0; i < count; i++) {
                int p = base + (int) xyStart + 16 * (from + i);
                cs[i] = coordinate(b.getDouble(p), b.getDouble(p + 8),
                        zm[0] == null ? Double.NaN : zm[0][from + i],
                        zm[1] == null ? Double.NaN : measure(zm[1][from + i]));
            }
            if (close) {
                cs[count] = cs[0].copy();
            }
            CoordinateSequence seq = new CoordinateArraySequence(cs, dimension(), outM ? 1 : 0);
            if (polygon) {
                if (cs.length < 4) {
                    throw new MalformedShapeException("ring " + part + " has " + count + " points, fewer than 4");
                }
                try {
                    rings.add(gf.createLinearRing(seq));
                } catch (IllegalArgumentException notClosed) {
                    // a NaN coordinate (bytes 0xFF) never equals itself: the ring cannot be closed
                    throw new MalformedShapeException("ring " + part + " does not close (" + notClosed.getMessage() + ")");
                }
            } else {
                if (cs.length < 2) {
                    throw new MalformedShapeException("line part " + part + " has a single point");
                }
                lines.add(gf.createLineString(seq));
            }
        }
        if (polygon) {
            return RingAssembler.assemble(rings, gf);
        }
        return lines.size() == 1 ? lines.get(0) : gf.createMultiLineString(lines.toArray(new LineString[0]));
    }

    /** Reads the Z and M arrays after the XY block: [z or null, m or null]. */
    private double[][] zm(ByteBuffer b, int base, int len, long xyEnd, int n) throws MalformedShapeException {
        double[] z = null;
        double[] m = null;
        long at = xyEnd;
        if (layerType.z) {
            need(len, at + 16 + 8L * n, "Z values");
            z = doubles(b, base + (int) at + 16, n);
            at += 16 + 8L * n;
        }
        if (layerType.m) {
            boolean present = len >= at + 16 + 8L * n;
            if (!present && !layerType.z) {
                need(len, at + 16 + 8L * n, "M values");
            }
            if (present && n > 0) {
                m = doubles(b, base + (int) at + 16, n);
            }
        }
        return new double[][] {outZ ? z : null, outM ? m : null};
    }

    private static double[] doubles(ByteBuffer b, int from, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = b.getDouble(from + 8 * i);
        }
        return d;
    }

    private static boolean same(ByteBuffer b, int xyStart, int i, int j) {
        int p = xyStart + 16 * i;
        int q = xyStart + 16 * j;
        return b.getDouble(p) == b.getDouble(q) && b.getDouble(p + 8) == b.getDouble(q + 8);
    }

    private CoordinateSequence sequence(double[] xy, double z, double m) {
        Coordinate c = coordinate(xy[0], xy[1], z, m);
        return new CoordinateArraySequence(new Coordinate[] {c}, dimension(), outM ? 1 : 0);
    }

    private int dimension() {
        return 2 + (outZ ? 1 : 0) + (outM ? 1 : 0);
    }

    private Coordinate coordinate(double x, double y, double z, double m) {
        if (outZ && outM) {
            return new CoordinateXYZM(x, y, z, m);
        } else if (outZ) {
            return new Coordinate(x, y, z);
        } else if (outM) {
            return new CoordinateXYM(x, y, m);
        }
        return new CoordinateXY(x, y);
    }

    static double measure(double m) {
        return m < NO_DATA ? Double.NaN : m;
    }

    private static void need(int len, long needed, String what) throws MalformedShapeException {
        if (len < needed) {
            throw new MalformedShapeException("record of " + len + " bytes too short for its " + what
                    + " (" + needed + " bytes needed)");
        }
    }
}
