package dev.cairn.geo.gpkg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiLineString;
import org.locationtech.jts.geom.MultiPoint;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * Writes JTS geometries as little-endian <b>ISO</b> WKB (SQL/MM, OGC 06-103r4), the encoding
 * GeoPackage requires and GDAL writes: Z, M and ZM are type codes + 1000, + 2000, + 3000
 * ({@code POINT ZM} = 3001). JTS 1.20's {@code WKBWriter} only writes the PostGIS EWKB flags
 * ({@code 0x80000000} for Z, {@code 0x40000000} for M), which is not valid GeoPackage WKB, so
 * cairn writes its own. An empty point is written as NaN coordinates, as GDAL does.
 *
 * <p>While writing, it tracks the XY(Z) envelope of the finite coordinates, for the GeoPackage
 * header and the R-tree. The output buffer is reused between geometries: one instance per
 * thread.
 */
final class IsoWkbWriter {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf = new byte[1024];
    private int pos;
    private boolean hasZ;
    private boolean hasM;
    private int typeOffset;
    private final double[] env = new double[6];

    /** Bytes written so far; valid up to {@link #size()}. */
    byte[] buffer() {
        return buf;
    }

    int size() {
        return pos;
    }

    /** minX, maxX, minY, maxY, minZ, maxZ of the last geometry (infinite if no finite coordinate). */
    double[] envelope() {
        return env;
    }

    /** Starts a new output; {@code reserve} bytes are left for a header written later. */
    void reset(int reserve) {
        pos = 0;
        ensure(reserve);
        pos = reserve;
        env[0] = env[2] = env[4] = Double.POSITIVE_INFINITY;
        env[1] = env[3] = env[5] = Double.NEGATIVE_INFINITY;
    }

    /** Appends {@code g} as ISO WKB with the given dimensions (from the source WKB's type code). */
    void write(Geometry g, boolean z, boolean m) {
        this.hasZ = z;
        this.hasM = m;
        this.typeOffset = (z ? 1000 : 0) + (m ? 2000 : 0);
        writeGeometry(g);
    }

    void putInt(int offset, int value) {
        INT.set(buf, offset, value);
    }

    void putDouble(int offset, double value) {
        DOUBLE.set(buf, offset, value);
    }

    private void writeGeometry(Geometry g) {
        if (g instanceof Point p) {
            header(1);
            if (p.isEmpty()) {
                int dims = dims();
                ensure(8 * dims);
                for (int i = 0; i < dims; i++) {
                    writeDouble(Double.NaN);
                }
            } else {
                coordinates(p.getCoordinateSequence(), false);
            }
        } else if (g instanceof LineString l) {
            header(2);
            coordinates(l.getCoordinateSequence(), true);
        } else if (g instanceof Polygon p) {
            header(3);
            if (p.isEmpty()) {
                writeInt(0);
                return;
            }
            writeInt(1 + p.getNumInteriorRing());
            coordinates(p.getExteriorRing().getCoordinateSequence(), true);
            for (int i = 0; i < p.getNumInteriorRing(); i++) {
                coordinates(p.getInteriorRingN(i).getCoordinateSequence(), true);
            }
        } else if (g instanceof GeometryCollection c) {
            header(collectionType(c));
            writeInt(c.getNumGeometries());
            for (int i = 0; i < c.getNumGeometries(); i++) {
                writeGeometry(c.getGeometryN(i));
            }
        } else {
            throw new IllegalArgumentException("Unsupported geometry type " + g.getGeometryType());
        }
    }

    private static int collectionType(GeometryCollection c) {
        if (c instanceof MultiPoint) {
            return 4;
        }
        if (c instanceof MultiLineString) {
            return 5;
        }
        if (c instanceof MultiPolygon) {
            return 6;
        }
        return 7;
    }

    private int dims() {
        return 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0);
    }

    private void header(int baseType) {
        ensure(5);
        buf[pos++] = 1; // little endian
        INT.set(buf, pos, baseType + typeOffset);
        pos += 4;
    }

    private void coordinates(CoordinateSequence seq, boolean withCount) {
        int n = seq.size();
        ensure(4 + 8 * dims() * n);
        if (withCount) {
            INT.set(buf, pos, n);
            pos += 4;
        }
        for (int i = 0; i < n; i++) {
            double x = seq.getX(i);
            double y = seq.getY(i);
            writeDouble(x);
            writeDouble(y);
            if (x == x && y == y) { // not NaN: NaN marks an empty point
                env[0] = Math.min(env[0], x);
                env[1] = Math.max(env[1], x);
                env[2] = Math.min(env[2], y);
                env[3] = Math.max(env[3], y);
            }
            if (hasZ) {
                double z = seq.getZ(i);
                writeDouble(z);
                if (z == z) {
                    env[4] = Math.min(env[4], z);
                    env[5] = Math.max(env[5], z);
                }
            }
            if (hasM) {
                writeDouble(seq.getM(i));
            }
        }
    }

    private void writeInt(int v) {
        ensure(4);
        INT.set(buf, pos, v);
        pos += 4;
    }

    private void writeDouble(double v) {
        DOUBLE.set(buf, pos, v);
        pos += 8;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
