package dev.cairn.geo.fgb;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
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
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/** Seeded features and write/read helpers for the FlatGeobuf tests. */
final class FgbFixture {
    static final GeometryFactory GF = new GeometryFactory();
    static final FlatGeobufProvider PROVIDER = new FlatGeobufProvider();

    /** One field of every type; "id" (LONG) identifies a feature across Hilbert reordering. */
    static final List<FieldDef> ALL_TYPES = List.of(
            FieldDef.of("id", FieldType.LONG),
            FieldDef.of("i", FieldType.INTEGER),
            FieldDef.of("d", FieldType.DOUBLE),
            FieldDef.of("s", FieldType.STRING),
            FieldDef.of("b", FieldType.BOOLEAN),
            FieldDef.of("day", FieldType.DATE),
            FieldDef.of("ts", FieldType.DATETIME),
            FieldDef.of("bin", FieldType.BINARY));

    private final Random random;
    private final boolean z;

    FgbFixture(long seed, boolean z) {
        this.random = new Random(seed);
        this.z = z;
    }

    Coordinate c(double x, double y) {
        return z ? new Coordinate(x, y, Math.round(random.nextDouble() * 1000) / 4.0) : new Coordinate(x, y);
    }

    double coord() {
        return Math.round(random.nextDouble() * 100_000) / 1000.0;
    }

    Point point() {
        return GF.createPoint(c(coord(), coord()));
    }

    LineString line(int n) {
        Coordinate[] cs = new Coordinate[n];
        for (int i = 0; i < n; i++) {
            cs[i] = c(coord(), coord());
        }
        return GF.createLineString(cs);
    }

    LinearRing square(double x, double y, double size) {
        return GF.createLinearRing(close(new Coordinate[] {c(x, y), c(x + size, y), c(x + size, y + size),
                c(x, y + size)}));
    }

    private static Coordinate[] close(Coordinate[] open) {
        Coordinate[] cs = java.util.Arrays.copyOf(open, open.length + 1);
        cs[open.length] = open[0].copy();
        return cs;
    }

    /** A square with two square holes. */
    Polygon polygonWithHoles() {
        double x = coord();
        double y = coord();
        return GF.createPolygon(square(x, y, 10), new LinearRing[] {square(x + 1, y + 1, 2), square(x + 5, y + 5, 3)});
    }

    Geometry any(int k) {
        return switch (k % 7) {
            case 0 -> point();
            case 1 -> line(2 + random.nextInt(5));
            case 2 -> polygonWithHoles();
            case 3 -> GF.createMultiPoint(new Point[] {point(), point(), point()});
            case 4 -> GF.createMultiLineString(new LineString[] {line(3), line(2)});
            case 5 -> GF.createMultiPolygon(new Polygon[] {polygonWithHoles(), polygonWithHoles()});
            default -> GF.createGeometryCollection(new Geometry[] {point(), line(3), polygonWithHoles()});
        };
    }

    /** Values for {@link #ALL_TYPES}; every 5th feature has all attributes NULL except id. */
    Object[] values(long id) {
        if (id % 5 == 4) {
            return new Object[] {id, null, null, null, null, null, null, null};
        }
        byte[] bin = new byte[random.nextInt(6)];
        random.nextBytes(bin);
        return new Object[] {id, (long) random.nextInt(), random.nextGaussian() * 1e6,
                "naïve – 東京 " + random.nextInt(1000), random.nextBoolean(),
                LocalDate.of(2000 + random.nextInt(30), 1 + random.nextInt(12), 1 + random.nextInt(28)),
                "2024-03-05T10:20:" + (10 + random.nextInt(50)) + ".125+02:00", bin};
    }

    static LayerDef layer(String name, GeometryKind kind, boolean z, List<FieldDef> fields, String crsCode) {
        return new LayerDef(name, kind, z, false, null, crsCode, fields, -1);
    }

    static Path write(Path file, LayerDef def, List<Feature> features) throws AssetFailure {
        try (FeatureSink sink = PROVIDER.create(file)) {
            sink.beginLayer(def);
            for (Feature f : features) {
                sink.write(f);
            }
            sink.endLayer();
            sink.finish();
        }
        return file;
    }

    static List<Feature> read(Path file, long offset, long limit) throws AssetFailure {
        List<Feature> out = new ArrayList<>();
        try (FeatureSource source = PROVIDER.open(file);
             FeatureCursor cursor = source.cursor(0, offset, limit)) {
            for (Feature f = cursor.next(); f != null; f = cursor.next()) {
                out.add(f);
            }
        }
        return out;
    }

    static LayerDef layerOf(Path file) throws AssetFailure {
        try (FeatureSource source = PROVIDER.open(file)) {
            return source.layers().get(0);
        }
    }
}
