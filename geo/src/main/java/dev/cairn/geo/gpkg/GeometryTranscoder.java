package dev.cairn.geo.gpkg;

import java.util.Arrays;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;

import dev.cairn.geo.crs.CrsDomain;
import dev.cairn.geo.pipeline.GeometryPolicy;
import dev.cairn.geo.pipeline.GeometryReprojector;

/**
 * Rewrites one GeoPackage geometry blob into another CRS: parses the GeoPackage binary header,
 * reads the WKB with JTS, transforms the horizontal coordinates of the whole geometry in one
 * call ({@link GeometryReprojector}; Z and M are carried through unchanged), and writes a
 * standard header plus ISO WKB.
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

    private final GeometryReprojector reprojector;
    private final CrsDomain domain;
    private final GeometryPolicy policy;
    private final String[] repair = new String[1];
    private final int targetSrsId;
    private final WKBReader reader = new WKBReader();
    private final IsoWkbWriter writer = new IsoWkbWriter();
    private boolean lastEmpty;

    /** @param transform horizontal transform on (x = east, y = north); null or identity to copy */
    GeometryTranscoder(MathTransform transform, int targetSrsId) {
        this(transform, () -> null, null, null, targetSrsId);
    }

    /**
     * @param transform   horizontal transform on (x = east, y = north); null or identity to copy
     * @param transform3d gives the same on (x, y, ellipsoidal height), used for geometries with Z
     *                    so that x and y agree with PROJ (see CrsResolver), or null to ignore
     *                    heights; asked when the first geometry with Z comes
     * @param domain      where the source's coordinates can lie ({@link CrsDomain}), checked first;
     *                    null for no check
     * @param policy      validity policy applied to each geometry before it is transformed; null
     *                    to write geometries as they are
     */
    GeometryTranscoder(MathTransform transform, java.util.function.Supplier<MathTransform> transform3d,
            CrsDomain domain, GeometryPolicy policy, int targetSrsId) {
        this.reprojector = new GeometryReprojector(transform, transform3d);
        this.domain = domain;
        this.policy = policy;
        this.targetSrsId = targetSrsId;
    }

    /** Why the last transcoded geometry was repaired, or null if it was not. */
    String lastRepair() {
        return repair[0];
    }

    /** True if the last transcoded geometry was empty (no envelope, not indexed). */
    boolean lastEmpty() {
        return lastEmpty;
    }

    /** minX, maxX, minY, maxY of the last transcoded non-empty geometry. */
    double[] lastEnvelope() {
        return writer.envelope();
    }

    /** A geometry with a coordinate outside the declared CRS's domain; the message says which. */
    static final class OutsideDomainException extends Exception {
        private static final long serialVersionUID = 1L;

        OutsideDomainException(String message) {
            super(message);
        }
    }

    /** Transcodes {@code blob}; the returned array is new. */
    byte[] transcode(byte[] blob) throws MalformedGeometryException, TransformException,
            GeometryPolicy.InvalidGeometryException, OutsideDomainException {
        repair[0] = null;
        int wkbStart = wkbStart(blob);
        int flags = blob[3] & 0xff;
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
        String outside = domain == null ? null : domain.firstOutside(g);
        if (outside != null) {
            throw new OutsideDomainException(domain.message(outside));
        }
        if (policy != null) {
            g = policy.apply(g, repair);
            if (g.isEmpty()) { // repaired into nothing: an empty geometry of the repaired type
                lastEmpty = true;
                return encode(writer, g, false, hasZ, hasM, targetSrsId);
            }
        }
        lastEmpty = false;
        reprojector.transform(g);
        return encode(writer, g, base == 1, hasZ, hasM, targetSrsId);
    }

    /**
     * The offset of the WKB in a GeoPackage geometry blob, after checking its magic, that it is
     * not an extended type and that its envelope indicator is valid. Does not check the length.
     */
    static int wkbStart(byte[] blob) throws MalformedGeometryException {
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
        return 8 + ENVELOPE_BYTES[envelopeCode];
    }

    /**
     * Writes {@code g} as a GeoPackage geometry blob the way GDAL does (see the class comment):
     * little endian, no envelope for a point ({@code point}), XYZ envelope with Z, else XY; an
     * empty geometry gets the empty flag and no envelope. Returns a new array.
     */
    static byte[] encode(IsoWkbWriter writer, Geometry g, boolean point, boolean hasZ, boolean hasM, int srsId) {
        boolean empty = g.isEmpty();
        int envelopeOut = empty || point ? 0 : hasZ ? 2 : 1;
        int headerBytes = 8 + ENVELOPE_BYTES[envelopeOut];
        writer.reset(headerBytes);
        writer.write(g, hasZ, hasM);
        byte[] out = writer.buffer();
        out[0] = 'G';
        out[1] = 'P';
        out[2] = 0;
        out[3] = (byte) (1 | envelopeOut << 1 | (empty ? 0x10 : 0));
        writer.putInt(4, srsId);
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

    private static int readInt(byte[] b, int off, boolean littleEndian) {
        if (littleEndian) {
            return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
        }
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }
}
