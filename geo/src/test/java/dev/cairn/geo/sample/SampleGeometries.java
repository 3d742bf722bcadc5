package dev.cairn.geo.sample;

import dev.cairn.geo.format.GeometryKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import mil.nga.sf.Geometry;
import mil.nga.sf.LineString;
import mil.nga.sf.MultiLineString;
import mil.nga.sf.MultiPoint;
import mil.nga.sf.MultiPolygon;
import mil.nga.sf.Point;
import mil.nga.sf.Polygon;

/**
 * Random but valid geometries inside a box: points, random-walk lines, star-shaped simple
 * polygons (exterior counter-clockwise, an occasional clockwise hole) and multi-geometries of
 * disjoint parts. Sizes are a small fraction of the box so that features stay inside it.
 */
final class SampleGeometries {
    /** The member types of a {@link GeometryKind#GEOMETRY} (mixed) layer, in the order they cycle. */
    private static final GeometryKind[] MIXED = {GeometryKind.POINT, GeometryKind.LINESTRING, GeometryKind.POLYGON,
        GeometryKind.MULTIPOINT, GeometryKind.MULTILINESTRING, GeometryKind.MULTIPOLYGON};

    private final SplittableRandom random;
    private final double minX;
    private final double minY;
    private final double width;
    private final double height;
    private final double size;
    private final boolean withZ;

    SampleGeometries(SplittableRandom random, double[] area, boolean withZ) {
        this.random = random;
        this.minX = area[0];
        this.minY = area[1];
        this.width = area[2] - area[0];
        this.height = area[3] - area[1];
        this.size = Math.min(width, height) * 0.002;
        this.withZ = withZ;
    }

    /** A geometry of {@code kind}; {@code index} picks the member type of a {@link GeometryKind#GEOMETRY} layer. */
    Geometry next(GeometryKind kind, int index) {
        return switch (kind) {
            case POINT -> point(randomX(), randomY());
            case LINESTRING -> line(randomX(), randomY());
            case POLYGON -> polygon(randomX(), randomY(), index % 5 == 0);
            case MULTIPOINT -> multiPoint();
            case MULTILINESTRING -> multiLine();
            case MULTIPOLYGON -> multiPolygon();
            case GEOMETRY -> next(MIXED[index % MIXED.length], index / 7);
            case GEOMETRYCOLLECTION -> throw new IllegalArgumentException("GEOMETRYCOLLECTION layers are not generated");
            case NONE -> throw new IllegalArgumentException("a table without geometry has no geometries");
        };
    }

    /**
     * A GeoPackage geometry blob holding an empty geometry of {@code kind}, written by hand: the
     * library's encoder leaves out the WKB body of empty geometries, which GDAL cannot read.
     * Layout (GeoPackage 1.4 §2.1.3): "GP", version 0, flags (empty bit 0x10, no envelope,
     * little-endian 0x01), int32 srs_id, then ISO WKB: an empty point is POINT(NaN NaN), every
     * other type has zero parts. A GEOMETRY (mixed) layer gets an empty POLYGON.
     */
    byte[] emptyBlob(GeometryKind kind, int srsId) {
        int type = switch (kind) {
            case POINT -> 1;
            case LINESTRING -> 2;
            case POLYGON, GEOMETRY -> 3;
            case MULTIPOINT -> 4;
            case MULTILINESTRING -> 5;
            case MULTIPOLYGON -> 6;
            case GEOMETRYCOLLECTION -> throw new IllegalArgumentException("GEOMETRYCOLLECTION layers are not generated");
            case NONE -> throw new IllegalArgumentException("a table without geometry has no geometries");
        };
        int dims = withZ ? 3 : 2;
        ByteBuffer b = ByteBuffer.allocate(8 + 5 + (type == 1 ? 8 * dims : 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'G').put((byte) 'P').put((byte) 0).put((byte) 0x11).putInt(srsId);
        b.put((byte) 1).putInt(type + (withZ ? 1000 : 0));
        if (type == 1) {
            for (int i = 0; i < dims; i++) {
                b.putDouble(Double.NaN);
            }
        } else {
            b.putInt(0);
        }
        return b.array();
    }

    private double randomX() {
        return minX + size * 20 + random.nextDouble() * (width - size * 40);
    }

    private double randomY() {
        return minY + size * 20 + random.nextDouble() * (height - size * 40);
    }

    private Point point(double x, double y) {
        Point p = new Point(withZ, false, x, y);
        if (withZ) {
            p.setZ(Math.round(random.nextDouble() * 4_000_000) / 1000.0);
        }
        return p;
    }

    private LineString line(double x, double y) {
        LineString line = new LineString(withZ, false);
        int n = 2 + random.nextInt(7);
        double heading = random.nextDouble() * 2 * Math.PI;
        for (int i = 0; i < n; i++) {
            line.addPoint(point(x, y));
            heading += (random.nextDouble() - 0.5);
            double step = size * (0.3 + random.nextDouble());
            x += Math.cos(heading) * step;
            y += Math.sin(heading) * step;
        }
        return line;
    }

    private Polygon polygon(double cx, double cy, boolean withHole) {
        Polygon polygon = new Polygon(withZ, false);
        // With a hole the exterior gets at least 6 vertices: its edges then stay > 0.29 size from
        // the centre, outside the hole (radius <= 0.2 size).
        polygon.addRing(ring(cx, cy, size * 0.5, size, withHole ? 6 : 4, false));
        if (withHole) {
            polygon.addRing(ring(cx, cy, size * 0.1, size * 0.2, 4, true));
        }
        return polygon;
    }

    /** A closed star-shaped ring: vertices at increasing angles, so it never self-intersects. */
    private LineString ring(double cx, double cy, double minRadius, double maxRadius, int minVertices, boolean clockwise) {
        LineString ring = new LineString(withZ, false);
        int n = minVertices + random.nextInt(5);
        for (int i = 0; i < n; i++) {
            double angle = 2 * Math.PI * (i + random.nextDouble() * 0.8) / n;
            if (clockwise) {
                angle = -angle;
            }
            double r = minRadius + random.nextDouble() * (maxRadius - minRadius);
            ring.addPoint(point(cx + Math.cos(angle) * r, cy + Math.sin(angle) * r));
        }
        Point first = ring.getPoint(0);
        Point last = new Point(withZ, false, first.getX(), first.getY());
        if (withZ) {
            last.setZ(first.getZ());
        }
        ring.addPoint(last);
        return ring;
    }

    private MultiPoint multiPoint() {
        MultiPoint mp = new MultiPoint(withZ, false);
        double x = randomX();
        double y = randomY();
        int n = 2 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            mp.addPoint(point(x + random.nextDouble() * size * 5, y + random.nextDouble() * size * 5));
        }
        return mp;
    }

    private MultiLineString multiLine() {
        MultiLineString ml = new MultiLineString(withZ, false);
        double x = randomX();
        double y = randomY();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            ml.addLineString(line(x + i * size * 3, y));
        }
        return ml;
    }

    /** Parts are 3 sizes apart and at most 1 size in radius: disjoint, so the multipolygon is valid. */
    private MultiPolygon multiPolygon() {
        MultiPolygon mp = new MultiPolygon(withZ, false);
        double x = randomX();
        double y = randomY();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            mp.addPolygon(polygon(x + i * size * 3, y, random.nextInt(4) == 0));
        }
        return mp;
    }
}
