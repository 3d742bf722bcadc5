package dev.cairn.geo.shp;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateXY;
import org.locationtech.jts.geom.CoordinateXYM;
import org.locationtech.jts.geom.CoordinateXYZM;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.impl.CoordinateArraySequence;

/** Seeded geometries and a write/read helper for the shapefile tests. */
final class ShpFixture {
    static final GeometryFactory GF = new GeometryFactory();
    static final ShapefileProvider PROVIDER = new ShapefileProvider();

    private final Random random;
    private final boolean z;
    private final boolean m;

    ShpFixture(long seed, boolean z, boolean m) {
        this.random = new Random(seed);
        this.z = z;
        this.m = m;
    }

    Coordinate c(double x, double y) {
        double zv = Math.round(random.nextDouble() * 1000) / 4.0;
        double mv = Math.round(random.nextDouble() * 100) / 8.0;
        if (z && m) {
            return new CoordinateXYZM(x, y, zv, mv);
        } else if (z) {
            return new Coordinate(x, y, zv);
        } else if (m) {
            return new CoordinateXYM(x, y, mv);
        }
        return new CoordinateXY(x, y);
    }

    private CoordinateArraySequence seq(Coordinate... cs) {
        return new CoordinateArraySequence(cs, 2 + (z ? 1 : 0) + (m ? 1 : 0), m ? 1 : 0);
    }

    Point point() {
        return GF.createPoint(seq(c(coord(), coord())));
    }

    Geometry multiPoint(int n) {
        Point[] ps = new Point[n];
        for (int i = 0; i < n; i++) {
            ps[i] = point();
        }
        return GF.createMultiPoint(ps);
    }

    LineString line(int n) {
        Coordinate[] cs = new Coordinate[n];
        for (int i = 0; i < n; i++) {
            cs[i] = c(coord(), coord());
        }
        return GF.createLineString(seq(cs));
    }

    /** An axis-aligned square ring; {@code ccw} chooses the orientation. */
    LinearRing square(double x, double y, double size, boolean ccw) {
        Coordinate a = c(x, y);
        Coordinate[] cs = ccw
                ? new Coordinate[] {a, c(x + size, y), c(x + size, y + size), c(x, y + size), a.copy()}
                : new Coordinate[] {a, c(x, y + size), c(x + size, y + size), c(x + size, y), a.copy()};
        return GF.createLinearRing(seq(cs));
    }

    /** A square polygon at (x, y) with {@code holes} square holes, in JTS's usual (CCW shell) orientation. */
    Polygon polygon(double x, double y, int holes) {
        LinearRing[] hs = new LinearRing[holes];
        for (int i = 0; i < holes; i++) {
            hs[i] = square(x + 1 + 3 * i, y + 1, 2, false);
        }
        return GF.createPolygon(square(x, y, 3 * holes + 2, true), hs);
    }

    private double coord() {
        return Math.round((random.nextDouble() * 360 - 180) * 1e6) / 1e6;
    }

    static LayerDef layer(String name, GeometryKind kind, boolean z, boolean m, List<FieldDef> fields) {
        return new LayerDef(name, kind, z, m, null, null, fields, -1);
    }

    static void write(Path shp, LayerDef def, List<Feature> features) throws AssetFailure {
        try (FeatureSink sink = PROVIDER.create(shp)) {
            sink.beginLayer(def);
            for (Feature f : features) {
                sink.write(f);
            }
            sink.endLayer();
            sink.finish();
        }
    }

    static List<Feature> read(Path shp) throws AssetFailure {
        return read(shp, 0, -1);
    }

    static List<Feature> read(Path shp, long offset, long limit) throws AssetFailure {
        try (FeatureSource src = PROVIDER.open(shp); FeatureCursor cur = src.cursor(0, offset, limit)) {
            List<Feature> out = new ArrayList<>();
            for (Feature f = cur.next(); f != null; f = cur.next()) {
                out.add(f);
            }
            return out;
        }
    }

    static LayerDef layerOf(Path shp) throws AssetFailure {
        try (FeatureSource src = PROVIDER.open(shp)) {
            return src.layers().get(0);
        }
    }

    /** Normalised geometries compared with every ordinate (equalsExact ignores Z and M). */
    static boolean sameCoordinates(Geometry a, Geometry b) {
        if (a == null || b == null) {
            return a == b;
        }
        Geometry na = a.norm();
        Geometry nb = b.norm();
        if (!na.equalsExact(nb) || !na.getGeometryType().equals(nb.getGeometryType())) {
            return false;
        }
        Coordinate[] ca = na.getCoordinates();
        Coordinate[] cb = nb.getCoordinates();
        for (int i = 0; i < ca.length; i++) {
            if (!same(ca[i].getZ(), cb[i].getZ()) || !same(ca[i].getM(), cb[i].getM())) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(double p, double q) {
        return Double.isNaN(p) ? Double.isNaN(q) : p == q;
    }
}
