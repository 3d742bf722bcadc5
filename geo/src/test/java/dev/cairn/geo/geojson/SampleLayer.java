package dev.cairn.geo.geojson;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;

/** Seeded fixtures: geometries of every type and features with every attribute type. */
final class SampleLayer {
    static final GeometryFactory GF = new GeometryFactory();

    /** Every GeoJSON geometry type, with and without Z, and empty. */
    static final String[] GEOMETRIES = {
        "POINT (8.5 47.3)",
        "POINT Z (8.5 47.3 408.25)",
        "POINT EMPTY",
        "LINESTRING (8.5 47.3, 8.6 47.4, -122.4194155 37.7749295)",
        "LINESTRING Z (8.5 47.3 1, 8.6 47.4 2)",
        "LINESTRING EMPTY",
        "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 3, 3 3, 2 2))",
        "POLYGON Z ((0 0 1, 10 0 2, 10 10 3, 0 0 1))",
        "POLYGON EMPTY",
        "MULTIPOINT ((1 2), (3 4))",
        "MULTIPOINT Z ((1 2 3), (3 4 5))",
        "MULTIPOINT EMPTY",
        "MULTILINESTRING ((1 2, 3 4), (5 6, 7 8, 9 10))",
        "MULTILINESTRING EMPTY",
        "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5), (5.2 5.1, 5.8 5.1, 5.8 5.7, 5.2 5.1)))",
        "MULTIPOLYGON Z (((0 0 7, 1 0 7, 1 1 7, 0 0 7)))",
        "MULTIPOLYGON EMPTY",
        "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (1 2, 3 4), POLYGON ((0 0, 1 0, 1 1, 0 0)))",
        "GEOMETRYCOLLECTION (POINT Z (1 2 3), GEOMETRYCOLLECTION (POINT (4 5)))",
        "GEOMETRYCOLLECTION EMPTY",
        "POINT (-179.9999999 -89.9999999)",
    };

    static final List<FieldDef> ALL_TYPES = List.of(
            FieldDef.of("name", FieldType.STRING),
            FieldDef.of("small", FieldType.INTEGER),
            FieldDef.of("count", FieldType.LONG),
            FieldDef.of("ratio", FieldType.DOUBLE),
            FieldDef.of("flag", FieldType.BOOLEAN),
            FieldDef.of("day", FieldType.DATE),
            FieldDef.of("at", FieldType.DATETIME));

    private static final String[] NAMES = {"Zürich", "東京", "São Paulo", "a \"quoted\" \\ name", "tab\tnew\nline", "", "ok"};

    private SampleLayer() {
    }

    static Geometry wkt(String wkt) {
        try {
            return new WKTReader(GF).read(wkt);
        } catch (ParseException e) {
            throw new IllegalArgumentException(wkt, e);
        }
    }

    static LayerDef layer(String name, List<FieldDef> fields, boolean hasZ) {
        return new LayerDef(name, GeometryKind.GEOMETRY, hasZ, false, null, "EPSG:4326", fields, -1);
    }

    /**
     * {@code n} features with every attribute type; the first has every value set (so that type
     * inference on reading sees each type), later ones have nulls. Coordinates have 7 decimals; the first is a 3D point.
     */
    static List<Feature> features(long seed, int n) {
        Random r = new Random(seed);
        List<Feature> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object[] v = new Object[ALL_TYPES.size()];
            boolean full = i == 0;
            v[0] = full || r.nextInt(5) > 0 ? NAMES[r.nextInt(NAMES.length)] + i : null;
            v[1] = full || r.nextInt(5) > 0 ? (long) (r.nextInt() / 2) : null;
            v[2] = full ? (Object) (5_000_000_000L + r.nextInt(1000)) : r.nextInt(5) > 0 ? (Object) r.nextLong() : null;
            v[3] = full || r.nextInt(5) > 0 ? r.nextInt(2_000_001) / 1000.0 - 1000.5 : null;
            v[4] = full || r.nextInt(5) > 0 ? r.nextBoolean() : null;
            v[5] = full || r.nextInt(5) > 0 ? LocalDate.of(1900 + r.nextInt(200), 1 + r.nextInt(12), 1 + r.nextInt(28)) : null;
            v[6] = full || r.nextInt(5) > 0 ? String.format("20%02d-%02d-%02dT%02d:%02d:%02d%s", r.nextInt(30), 1 + r.nextInt(12),
                    1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextBoolean() ? "Z" : ".125+02:00") : null;
            Geometry g = !full && r.nextInt(10) == 0 ? null : point(r, full || r.nextBoolean());
            out.add(new Feature(i, g, v));
        }
        return out;
    }

    static Geometry point(Random r, boolean z) {
        double x = Math.round(r.nextDouble() * 360e7 - 180e7) / 1e7;
        double y = Math.round(r.nextDouble() * 180e7 - 90e7) / 1e7;
        return z ? GF.createPoint(new Coordinate(x, y, r.nextInt(900000) / 100.0)) : GF.createPoint(new Coordinate(x, y));
    }

    static void write(FormatProvider provider, Path file, LayerDef def, List<Feature> features) throws AssetFailure {
        try (FeatureSink sink = provider.create(file)) {
            sink.beginLayer(def);
            for (Feature f : features) {
                sink.write(f);
            }
            sink.endLayer();
            sink.finish();
        }
    }

    static List<Feature> readAll(FeatureSource source, long offset, long limit) throws AssetFailure {
        List<Feature> out = new ArrayList<>();
        try (FeatureCursor c = source.cursor(0, offset, limit)) {
            Feature f;
            while ((f = c.next()) != null) {
                out.add(f);
            }
        }
        return out;
    }

    static List<Feature> readAll(FormatProvider provider, Path file) throws AssetFailure {
        try (FeatureSource s = provider.open(file)) {
            return readAll(s, 0, -1);
        }
    }

    /** Geometry equality with Z: same type, same coordinates in 3D (NaN Z equals NaN Z). */
    static boolean sameGeometry(Geometry a, Geometry b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (!a.getGeometryType().equals(b.getGeometryType()) || !a.equalsExact(b, 1e-9)) {
            return false;
        }
        Coordinate[] ca = a.getCoordinates();
        Coordinate[] cb = b.getCoordinates();
        for (int i = 0; i < ca.length; i++) {
            double za = ca[i].getZ();
            double zb = cb[i].getZ();
            if (Double.isNaN(za) != Double.isNaN(zb) || (!Double.isNaN(za) && Math.abs(za - zb) > 1e-9)) {
                return false;
            }
        }
        return true;
    }
}
