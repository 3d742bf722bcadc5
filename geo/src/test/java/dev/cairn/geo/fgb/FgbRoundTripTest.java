package dev.cairn.geo.fgb;

import static dev.cairn.geo.fgb.FgbFixture.ALL_TYPES;
import static dev.cairn.geo.fgb.FgbFixture.GF;
import static dev.cairn.geo.fgb.FgbFixture.layer;
import static dev.cairn.geo.fgb.FgbFixture.layerOf;
import static dev.cairn.geo.fgb.FgbFixture.read;
import static dev.cairn.geo.fgb.FgbFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

class FgbRoundTripTest {
    @TempDir
    Path dir;

    private static List<Feature> byId(List<Feature> features) {
        List<Feature> sorted = new ArrayList<>(features);
        sorted.sort(Comparator.comparingLong(f -> (Long) f.values()[0]));
        return sorted;
    }

    private static void assertSameGeometry(Geometry actual, Geometry expected, boolean z) {
        if (expected == null) {
            assertThat(actual).isNull();
            return;
        }
        assertThat(actual.getGeometryType()).isEqualTo(expected.getGeometryType());
        assertThat(actual.equalsExact(expected)).as("%s vs %s", actual, expected).isTrue();
        if (z) {
            Coordinate[] a = actual.getCoordinates();
            Coordinate[] e = expected.getCoordinates();
            for (int i = 0; i < e.length; i++) {
                assertThat(a[i].equals3D(e[i])).as("Z of coordinate %d: %s vs %s", i, a[i], e[i]).isTrue();
            }
        }
    }

    private static void assertSameValues(Object[] actual, Object[] expected, List<FieldDef> fields) {
        for (int i = 0; i < fields.size(); i++) {
            Object e = expected[i];
            if (e instanceof LocalDate d) {
                e = d + "T00:00:00";
            }
            if (e instanceof byte[] b) {
                assertThat((byte[]) actual[i]).as(fields.get(i).name()).isEqualTo(b);
            } else {
                assertThat(actual[i]).as(fields.get(i).name()).isEqualTo(e);
            }
        }
    }

    @Test
    void mixedLayerRoundTripsEveryGeometryKindFieldTypeNullAndNonAsciiText() throws Exception {
        FgbFixture fx = new FgbFixture(42, false);
        List<Feature> in = new ArrayList<>();
        for (long i = 0; i < 300; i++) {
            in.add(new Feature(i, fx.any((int) i), fx.values(i)));
        }
        Path file = write(dir.resolve("mixed.fgb"), layer("mixed", GeometryKind.GEOMETRY, false, ALL_TYPES,
                "EPSG:4326"), in);

        LayerDef def = layerOf(file);
        assertThat(def.name()).isEqualTo("mixed");
        assertThat(def.geometryKind()).isEqualTo(GeometryKind.GEOMETRY);
        assertThat(def.featureCount()).isEqualTo(300);
        assertThat(def.crsCode()).isEqualTo("EPSG:4326");
        assertThat(def.crs()).isNotNull();
        assertThat(def.fields()).extracting(FieldDef::type).containsExactly(FieldType.LONG, FieldType.INTEGER,
                FieldType.DOUBLE, FieldType.STRING, FieldType.BOOLEAN, FieldType.DATETIME, FieldType.DATETIME,
                FieldType.BINARY);

        List<Feature> out = read(file, 0, -1);
        assertThat(out).extracting(Feature::fid).containsExactlyElementsOf(
                java.util.stream.LongStream.range(0, 300).boxed().toList());
        List<Feature> sorted = byId(out);
        for (int i = 0; i < in.size(); i++) {
            assertSameGeometry(sorted.get(i).geometry(), in.get(i).geometry(), false);
            assertSameValues(sorted.get(i).values(), in.get(i).values(), ALL_TYPES);
        }
    }

    @Test
    void featuresAreStoredInHilbertOrderNotInputOrder() throws Exception {
        FgbFixture fx = new FgbFixture(7, false);
        List<Feature> in = new ArrayList<>();
        for (long i = 0; i < 200; i++) {
            in.add(new Feature(i, fx.point(), new Object[] {i}));
        }
        Path file = write(dir.resolve("p.fgb"), layer("p", GeometryKind.POINT, false,
                List.of(FieldDef.of("id", FieldType.LONG)), null), in);
        List<Object> ids = read(file, 0, -1).stream().map(f -> f.values()[0]).toList();
        assertThat(ids).containsExactlyInAnyOrderElementsOf(in.stream().map(f -> f.values()[0]).toList());
        assertThat(ids).isNotEqualTo(in.stream().map(f -> f.values()[0]).toList());
    }

    @Test
    void zCoordinatesRoundTripInTypedLayers() throws Exception {
        FgbFixture fx = new FgbFixture(3, true);
        List<FieldDef> id = List.of(FieldDef.of("id", FieldType.LONG));
        for (GeometryKind kind : List.of(GeometryKind.POINT, GeometryKind.LINESTRING, GeometryKind.POLYGON,
                GeometryKind.MULTIPOLYGON)) {
            List<Feature> in = new ArrayList<>();
            for (long i = 0; i < 40; i++) {
                Geometry g = switch (kind) {
                    case POINT -> fx.point();
                    case LINESTRING -> fx.line(4);
                    case POLYGON -> fx.polygonWithHoles();
                    default -> GF.createMultiPolygon(new Polygon[] {fx.polygonWithHoles()});
                };
                in.add(new Feature(i, g, new Object[] {i}));
            }
            Path file = write(dir.resolve(kind + ".fgb"), layer("z", kind, true, id, "EPSG:2056"), in);
            LayerDef def = layerOf(file);
            assertThat(def.hasZ()).isTrue();
            assertThat(def.geometryKind()).isEqualTo(kind);
            List<Feature> out = byId(read(file, 0, -1));
            for (int i = 0; i < in.size(); i++) {
                assertSameGeometry(out.get(i).geometry(), in.get(i).geometry(), true);
            }
        }
    }

    @Test
    void singlePartsArePromotedInMultiLayersAndMismatchesFailNamingTheFeature() throws Exception {
        FgbFixture fx = new FgbFixture(5, false);
        Polygon p = fx.polygonWithHoles();
        Path file = write(dir.resolve("m.fgb"), layer("m", GeometryKind.MULTIPOLYGON, false, List.of(), null),
                List.of(new Feature(0, p, new Object[0])));
        Geometry back = read(file, 0, -1).get(0).geometry();
        assertThat(back).isInstanceOf(MultiPolygon.class);
        assertThat(back.getGeometryN(0).equalsExact(p)).isTrue();

        LineString line = fx.line(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> write(dir.resolve("bad.fgb"),
                        layer("bad", GeometryKind.POINT, false, List.of(), null),
                        List.of(new Feature(17, line, new Object[0]))))
                .isInstanceOf(dev.cairn.engine.AssetFailure.class)
                .hasMessageContaining("bad.fgb").hasMessageContaining("feature 17")
                .hasMessageContaining("LineString");
    }

    @Test
    void nullGeometriesRoundTripAndEmptyOnesAreWrittenAsNone() throws Exception {
        FgbFixture fx = new FgbFixture(9, false);
        List<Feature> in = List.of(
                new Feature(0, fx.point(), new Object[] {0L}),
                new Feature(1, null, new Object[] {1L}),
                new Feature(2, GF.createPoint(), new Object[] {2L}),
                new Feature(3, fx.point(), new Object[] {3L}));
        Path file = write(dir.resolve("n.fgb"), layer("n", GeometryKind.POINT, false,
                List.of(FieldDef.of("id", FieldType.LONG)), null), in);
        List<Feature> out = byId(read(file, 0, -1));
        assertThat(out).hasSize(4);
        assertThat(out.get(1).geometry()).isNull();
        assertThat(out.get(2).geometry()).as("POINT EMPTY: FlatGeobuf has no encoding GDAL reads").isNull();
        assertSameGeometry(out.get(0).geometry(), in.get(0).geometry(), false);
        assertSameGeometry(out.get(3).geometry(), in.get(3).geometry(), false);
    }

    @Test
    void anEmptyLayerIsAValidFileWithNoFeatures() throws Exception {
        Path file = write(dir.resolve("e.fgb"), layer("e", GeometryKind.POINT, false, ALL_TYPES, "EPSG:4326"),
                List.of());
        assertThat(layerOf(file).featureCount()).isZero();
        assertThat(read(file, 0, -1)).isEmpty();
    }

    @Test
    void cursorRangesEqualSlicesOfAFullRead() throws Exception {
        FgbFixture fx = new FgbFixture(11, false);
        List<Feature> in = new ArrayList<>();
        for (long i = 0; i < 137; i++) {
            in.add(new Feature(i, fx.any((int) i), fx.values(i)));
        }
        Path file = write(dir.resolve("r.fgb"), layer("r", GeometryKind.GEOMETRY, false, ALL_TYPES, null), in);
        List<Feature> all = read(file, 0, -1);
        for (long[] range : new long[][] {{0, 10}, {10, 50}, {60, 77}, {130, 100}, {137, 5}, {200, -1}, {0, 0}}) {
            List<Feature> part = read(file, range[0], range[1]);
            int from = (int) Math.min(range[0], all.size());
            int to = range[1] < 0 ? all.size() : (int) Math.min(all.size(), range[0] + range[1]);
            assertThat(part).extracting(Feature::fid).containsExactlyElementsOf(
                    all.subList(from, to).stream().map(Feature::fid).toList());
            for (int i = 0; i < part.size(); i++) {
                assertThat(part.get(i).values()[0]).isEqualTo(all.get(from + i).values()[0]);
            }
        }
        List<Feature> joined = new ArrayList<>(read(file, 0, 70));
        joined.addAll(read(file, 70, -1));
        assertThat(joined).extracting(Feature::fid).containsExactlyElementsOf(all.stream().map(Feature::fid).toList());
    }

    @Test
    void probeAcceptsTheMagicAndRejectsOtherFiles() throws Exception {
        Path file = write(dir.resolve("x.bin"), layer("x", GeometryKind.POINT, false, List.of(), null), List.of());
        byte[] head = Files.readAllBytes(file);
        assertThat(FgbFixture.PROVIDER.probe(file, head)).isTrue();
        assertThat(FgbFixture.PROVIDER.probe(file, "{\"type\":\"FeatureCollection\"}".getBytes())).isFalse();
        assertThat(FgbFixture.PROVIDER.probe(file, new byte[] {0x66, 0x67, 0x62})).isFalse();
        assertThat(FgbFixture.PROVIDER.name()).isEqualTo("fgb");
        assertThat(FgbFixture.PROVIDER.extensions()).containsExactly(".fgb");
        assertThat(java.util.ServiceLoader.load(dev.cairn.geo.format.FormatProvider.class).stream()
                .map(java.util.ServiceLoader.Provider::type)).contains(FlatGeobufProvider.class);
    }

    @Test
    void abandoningASinkLeavesNoSideFile() throws Exception {
        Path file = dir.resolve("a.fgb");
        try (var sink = FgbFixture.PROVIDER.create(file)) {
            sink.beginLayer(layer("a", GeometryKind.POINT, false, List.of(), null));
            sink.write(new Feature(0, new FgbFixture(1, false).point(), new Object[0]));
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".features"));
        }
    }

    @Test
    void measuresRoundTripWithZ() throws Exception {
        var line = GF.createLineString(new org.locationtech.jts.geom.Coordinate[] {
                new org.locationtech.jts.geom.CoordinateXYZM(8.5, 47.3, 410, 0),
                new org.locationtech.jts.geom.CoordinateXYZM(8.6, 47.4, 420, 12.5)});
        Path file = write(dir.resolve("zm.fgb"), new LayerDef("zm", GeometryKind.LINESTRING, true, true, null, null,
                List.of(), -1), List.of(new Feature(0, line, new Object[0])));
        assertThat(layerOf(file).hasM()).isTrue();
        Coordinate[] back = read(file, 0, -1).get(0).geometry().getCoordinates();
        assertThat(back[1].getX()).isEqualTo(8.6);
        assertThat(back[1].getZ()).isEqualTo(420);
        assertThat(back[1].getM()).isEqualTo(12.5);
    }
}
