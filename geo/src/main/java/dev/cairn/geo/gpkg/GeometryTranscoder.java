package dev.cairn.geo.gpkg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;

/**
 * Rewrites one GeoPackage geometry blob into another CRS: parses the GeoPackage binary header,
 * reads the WKB with JTS, transforms the horizontal coordinates of the whole geometry in one
 * {@link MathTransform#transform(double[], int, double[], int, int)} call (Z and M are carried
 * through unchanged), and writes a standard header plus ISO WKB.
 *
 * <pre>
 * GeoPackage binary geometry (GeoPackage 1.2, §2.1.3):
 *   0  'G' 'P'        magic
 *   2  version        0
 *   3  flags          bit 5 extended type | bit 4 empty | bits 3-1 envelope | bit 0 byte order (1 = LE)
 *                     envelope: 0 none, 1 XY (32 bytes), 2 XYZ (48), 3 XYM (48), 4 XYZM (64)
 *   4  srs_id         int32 in the header's byte order
 *   8  envelope       minx, maxx, miny, maxy [, minz, maxz] [, minm, maxm]
 *   .. WKB            ISO WKB (Z = type + 1000, M = + 2000, ZM = + 3000)
 * </pre>
 *
 * Written like GDAL: little endian; no envelope for a single point; an XY envelope, or XYZ when
 * the geometry has Z; empty geometries get the empty flag, no envelope, and their WKB copied
 * (GDAL writes {@code POINT EMPTY} as NaN coordinates).
 *
 * <p>JTS reads ISO and EWKB type codes for the seven simple-feature types; curve types
 * (CircularString, CompoundCurve, CurvePolygon, MultiCurve, MultiSurface), PolyhedralSurface,
 * TIN and Triangle are rejected with {@link MalformedGeometryException}.
 *
 * <p>Not thread-safe: one instance per layer copy (buffers are reused).
 */
final class GeometryTranscoder {
    private static final int[] ENVELOPE_BYTES = {0, 32, 48, 48, 64};

    private final MathTransform transform;
    private final MathTransform transform3d;
    private final int targetSrsId;
    private final WKBReader reader = new WKBReader();
    private final IsoWkbWriter writer = new IsoWkbWriter();
    private final List<CoordinateSequence> sequences = new ArrayList<>();
    private double[] xy = new double[512];
    private boolean lastEmpty;

    /** @param transform horizontal transform on (x = east, y = north); null or identity to copy */
    GeometryTranscoder(MathTransform transform, int targetSrsId) {
        this(transform, null, targetSrsId);
    }

    /**
     * @param transform   horizontal transform on (x = east, y = north); null or identity to copy
     * @param transform3d the same on (x, y, ellipsoidal height), used for geometries with Z so
     *                    that x and y agree with PROJ (see CrsResolver); null to ignore heights
     */
    GeometryTranscoder(MathTransform transform, MathTransform transform3d, int targetSrsId) {
        this.transform = transform == null || transform.isIdentity() ? null : transform;
        this.transform3d = this.transform == null ? null : transform3d;
        this.targetSrsId = targetSrsId;
    }

    /** True if the last transcoded geometry was empty (no envelope, not indexed). */
    boolean lastEmpty() {
        return lastEmpty;
    }

    /** minX, maxX, minY, maxY of the last transcoded non-empty geometry. */
    double[] lastEnvelope() {
        return writer.envelope();
    }

    /** Transcodes {@code blob}; the returned array is new. */
    byte[] transcode(byte[] blob) throws MalformedGeometryException, TransformException {
        if (blob.length < 8 || blob[0] != 'G' || blob[1] != 'P') {
            throw new MalformedGeometryException("not a GeoPackage geometry (no 'GP' magic)");
        }
        int flags = blob[3] & 0xff;
        if ((flags & 0x20) != 0) {
            throw new MalformedGeometryException("extended GeoPackage geometry types are not supported");
        }
        int envelopeCode = (flags >> 1) & 0x07;
        if (envelopeCode >= ENVELOPE_BYTES.length) {
            throw new MalformedGeometryException("invalid envelope indicator " + envelopeCode);
        }
        int wkbStart = 8 + ENVELOPE_BYTES[envelopeCode];
        if (blob.length < wkbStart + 5) {
            if ((flags & 0x10) != 0 && blob.length == wkbStart) {
                return emptyCopy(blob, wkbStart); // empty flag without WKB: tolerated
            }
            throw new MalformedGeometryException("geometry blob is truncated (" + blob.length + " bytes)");
        }
        boolean littleEndian = blob[wkbStart] == 1;
        int type = readInt(blob, wkbStart + 1, littleEndian);
        boolean hasZ = (type & 0x80000000) != 0;
        boolean hasM = (type & 0x40000000) != 0;
        int iso = type & 0x0fffffff;
        int base = iso % 1000;
        int dims = iso / 1000;
        hasZ |= dims == 1 || dims == 3;
        hasM |= dims == 2 || dims == 3;
        if (base < 1 || base > 7 || dims > 3) {
            throw new MalformedGeometryException("unsupported WKB geometry type " + iso
                    + " (only Point, LineString, Polygon, Multi* and GeometryCollection are supported)");
        }
        if ((flags & 0x10) != 0) {
            return emptyCopy(blob, wkbStart);
        }
        Geometry g;
        try {
            g = reader.read(Arrays.copyOfRange(blob, wkbStart, blob.length));
        } catch (ParseException | RuntimeException e) {
            throw new MalformedGeometryException("unreadable WKB: " + e.getMessage());
        }
        if (g.isEmpty()) {
            return emptyCopy(blob, wkbStart);
        }
        lastEmpty = false;
        if (transform != null) {
            transform(g);
        }
        boolean point = base == 1;
        int envelopeOut = point ? 0 : hasZ ? 2 : 1;
        int headerBytes = 8 + ENVELOPE_BYTES[envelopeOut];
        writer.reset(headerBytes);
        writer.write(g, hasZ, hasM);
        byte[] out = writer.buffer();
        out[0] = 'G';
        out[1] = 'P';
        out[2] = 0;
        out[3] = (byte) (1 | envelopeOut << 1);
        writer.putInt(4, targetSrsId);
        double[] env = writer.envelope();
        if (envelopeOut > 0) {
            for (int i = 0; i < 4; i++) {
                writer.putDouble(8 + 8 * i, env[i]);
            }
            if (envelopeOut == 2) {
                writer.putDouble(40, Double.isInfinite(env[4]) ? Double.NaN : env[4]);
                writer.putDouble(48, Double.isInfinite(env[5]) ? Double.NaN : env[5]);
            }
        }
        return Arrays.copyOf(out, writer.size());
    }

    private byte[] emptyCopy(byte[] blob, int wkbStart) {
        lastEmpty = true;
        int wkbLength = blob.length - wkbStart;
        byte[] out = new byte[8 + wkbLength];
        out[0] = 'G';
        out[1] = 'P';
        out[2] = 0;
        out[3] = 0x11; // empty, no envelope, little endian
        out[4] = (byte) targetSrsId;
        out[5] = (byte) (targetSrsId >> 8);
        out[6] = (byte) (targetSrsId >> 16);
        out[7] = (byte) (targetSrsId >> 24);
        System.arraycopy(blob, wkbStart, out, 8, wkbLength);
        return out;
    }

    private void transform(Geometry g) throws TransformException {
        sequences.clear();
        collect(g);
        int n = 0;
        for (CoordinateSequence s : sequences) {
            n += s.size();
        }
        boolean heights = transform3d != null && !sequences.isEmpty() && sequences.get(0).hasZ();
        int dim = heights ? 3 : 2;
        if (xy.length < dim * n) {
            xy = new double[Math.max(dim * n, xy.length * 2)];
        }
        int k = 0;
        for (CoordinateSequence s : sequences) {
            for (int i = 0, size = s.size(); i < size; i++) {
                xy[k++] = s.getX(i);
                xy[k++] = s.getY(i);
                if (heights) {
                    double z = s.getZ(i);
                    xy[k++] = Double.isFinite(z) ? z : 0; // like PROJ: a missing height is 0
                }
            }
        }
        (heights ? transform3d : transform).transform(xy, 0, xy, 0, n);
        k = 0;
        for (CoordinateSequence s : sequences) {
            for (int i = 0, size = s.size(); i < size; i++) {
                double x = xy[k++];
                double y = xy[k++];
                k += dim - 2; // the transformed height is dropped: z is written unchanged
                if (!Double.isFinite(x) || !Double.isFinite(y)) {
                    double sx = s.getX(i);
                    double sy = s.getY(i);
                    if (Double.isFinite(sx) && Double.isFinite(sy)) {
                        throw new TransformException("coordinate (" + sx + ", " + sy
                                + ") is outside the domain of the transformation");
                    }
                }
                s.setOrdinate(i, 0, x);
                s.setOrdinate(i, 1, y);
            }
        }
    }

    private void collect(Geometry g) {
        if (g instanceof Point p) {
            if (!p.isEmpty()) {
                sequences.add(p.getCoordinateSequence());
            }
        } else if (g instanceof LineString l) {
            sequences.add(l.getCoordinateSequence());
        } else if (g instanceof Polygon p) {
            if (!p.isEmpty()) {
                sequences.add(p.getExteriorRing().getCoordinateSequence());
                for (int i = 0; i < p.getNumInteriorRing(); i++) {
                    sequences.add(p.getInteriorRingN(i).getCoordinateSequence());
                }
            }
        } else if (g instanceof GeometryCollection c) {
            for (int i = 0; i < c.getNumGeometries(); i++) {
                collect(c.getGeometryN(i));
            }
        }
    }

    private static int readInt(byte[] b, int off, boolean littleEndian) {
        if (littleEndian) {
            return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
        }
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }
}
