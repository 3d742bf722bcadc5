package dev.cairn.geo.shp;

import static dev.cairn.geo.shp.ShpFixture.GF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.locationtech.jts.algorithm.Orientation;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;

class ShpRoundTripTest {
    @TempDir
    Path dir;

    static Stream<Arguments> shapesAndDimensions() {
        List<Arguments> out = new ArrayList<>();
        for (GeometryKind kind : List.of(GeometryKind.POINT, GeometryKind.MULTIPOINT, GeometryKind.MULTILINESTRING,
                GeometryKind.MULTIPOLYGON)) {
            for (boolean z : new boolean[] {false, true}) {
                for (boolean m : new boolean[] {false, true}) {
                    out.add(Arguments.of(kind, z, m));
                }
            }
        }
        return out.stream();
    }

    private static Function<Integer, Geometry> generator(ShpFixture fx, GeometryKind kind) {
        return switch (kind) {
            case POINT -> i -> fx.point();
            case MULTIPOINT -> i -> fx.multiPoint(1 + i % 4);
            case MULTILINESTRING -> i -> i % 3 == 0 ? fx.line(2 + i % 5)
                    : GF.createMultiLineString(new org.locationtech.jts.geom.LineString[] {fx.line(3), fx.line(4)});
            default -> i -> i % 3 == 0 ? fx.polygon(i * 100, 0, 0) : i % 3 == 1 ? fx.polygon(i * 100, 0, 2)
                    : GF.createMultiPolygon(new Polygon[] {fx.polygon(i * 100, 0, 1), fx.polygon(i * 100, 50, 3)});
        };
    }

    @ParameterizedTest(name = "{0} z={1} m={2}")
    @MethodSource("shapesAndDimensions")
    void everyShapeTypeRoundTripsWithItsZAndM(GeometryKind kind, boolean z, boolean m) throws Exception {
        ShpFixture fx = new ShpFixture(42 + kind.ordinal(), z, m);
        Function<Integer, Geometry> gen = generator(fx, kind);
        List<Feature> in = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            in.add(new Feature(i, i == 7 ? null : gen.apply(i), new Object[] {(long) i}));
        }
        Path shp = dir.resolve("shapes.shp");
        ShpFixture.write(shp, ShpFixture.layer("shapes", kind, z, m, List.of(FieldDef.of("n", FieldType.INTEGER))), in);

        LayerDef def = ShpFixture.layerOf(shp);
        assertThat(def.name()).isEqualTo("shapes");
        assertThat(def.geometryKind()).isEqualTo(kind);
        assertThat(def.hasZ()).isEqualTo(z);
        assertThat(def.hasM()).isEqualTo(m);
        assertThat(def.featureCount()).isEqualTo(30);
        List<Feature> out = ShpFixture.read(shp);
        assertThat(out).hasSize(30);
        for (int i = 0; i < 30; i++) {
            Geometry expected = in.get(i).geometry();
            Geometry actual = out.get(i).geometry();
            assertThat(out.get(i).fid()).isEqualTo(i);
            assertThat(out.get(i).values()).containsExactly((long) i);
            assertThat(ShpFixture.sameCoordinates(expected, actual))
                    .as("feature %d: %s read back as %s", i, expected, actual).isTrue();
        }
    }

    @Test
    void ringsAreOrientedOnWriteAndHolesAssignedToTheirShellsOnRead() throws Exception {
        ShpFixture fx = new ShpFixture(7, false, false);
        // shells counter-clockwise and holes clockwise: the opposite of the shapefile rule
        Polygon a = GF.createPolygon(fx.square(0, 0, 10, true), new LinearRing[] {fx.square(1, 1, 2, false),
            fx.square(5, 5, 2, false)});
        Polygon b = GF.createPolygon(fx.square(20, 0, 10, true), new LinearRing[] {fx.square(21, 1, 3, false)});
        MultiPolygon mp = GF.createMultiPolygon(new Polygon[] {a, b});
        Path shp = dir.resolve("rings.shp");
        ShpFixture.write(shp, ShpFixture.layer("rings", GeometryKind.MULTIPOLYGON, false, false, List.of()),
                List.of(new Feature(0, mp, new Object[0])));

        Geometry back = ShpFixture.read(shp).get(0).geometry();
        assertThat(back).isInstanceOf(MultiPolygon.class);
        assertThat(back.getNumGeometries()).isEqualTo(2);
        Polygon first = (Polygon) back.getGeometryN(0);
        assertThat(first.getNumInteriorRing()).isEqualTo(2);
        assertThat(((Polygon) back.getGeometryN(1)).getNumInteriorRing()).isEqualTo(1);
        assertThat(Orientation.isCCW(first.getExteriorRing().getCoordinateSequence())).as("shell clockwise").isFalse();
        assertThat(Orientation.isCCW(first.getInteriorRingN(0).getCoordinateSequence())).as("hole ccw").isTrue();
        assertThat(back.norm().equalsExact(mp.norm())).isTrue();
    }

    @Test
    void holeListedBeforeItsShellIsStillAssignedToIt() {
        ShpFixture fx = new ShpFixture(8, false, false);
        LinearRing hole = fx.square(2, 2, 1, true);       // ccw: a hole in shapefile terms
        LinearRing other = fx.square(50, 50, 5, false);   // cw: a shell
        LinearRing shell = fx.square(0, 0, 10, false);    // cw: a shell, listed after its hole
        Geometry g = RingAssembler.assemble(List.of(hole, other, shell), GF);
        assertThat(g.getNumGeometries()).isEqualTo(2);
        Polygon containing = (Polygon) (g.getGeometryN(0).getEnvelopeInternal().getMinX() == 0 ? g.getGeometryN(0)
                : g.getGeometryN(1));
        assertThat(containing.getNumInteriorRing()).isEqualTo(1);
    }

    @Test
    void ringsAllCounterClockwiseAreNestedByContainment() {
        ShpFixture fx = new ShpFixture(9, false, false);
        Geometry g = RingAssembler.assemble(List.of(fx.square(0, 0, 10, true), fx.square(2, 2, 2, true),
                fx.square(30, 0, 4, true)), GF);
        assertThat(g).isInstanceOf(MultiPolygon.class);
        assertThat(((Polygon) g.getGeometryN(0)).getNumInteriorRing()).isEqualTo(1);
        assertThat(((Polygon) g.getGeometryN(1)).getNumInteriorRing()).isZero();
    }

    @Test
    void nullAndEmptyGeometriesBecomeNullShapes() throws Exception {
        ShpFixture fx = new ShpFixture(3, false, false);
        List<Feature> in = List.of(new Feature(0, null, new Object[0]),
                new Feature(1, GF.createPolygon(), new Object[0]),
                new Feature(2, fx.polygon(0, 0, 1), new Object[0]));
        Path shp = dir.resolve("nulls.shp");
        ShpFixture.write(shp, ShpFixture.layer("nulls", GeometryKind.GEOMETRY, false, false, List.of()), in);
        List<Feature> out = ShpFixture.read(shp);
        assertThat(out).extracting(Feature::geometry).element(0).isNull();
        assertThat(out.get(1).geometry()).isNull();
        assertThat(out.get(2).geometry().norm()).isEqualTo(in.get(2).geometry().norm());
        assertThat(ShpFixture.layerOf(shp).geometryKind()).isEqualTo(GeometryKind.MULTIPOLYGON);
    }

    @Test
    void everyFieldTypeRoundTripsWithNullsAndNonAsciiText() throws Exception {
        List<FieldDef> fields = List.of(FieldDef.of("i", FieldType.INTEGER), new FieldDef("i9", FieldType.INTEGER, 9, 0),
                FieldDef.of("l", FieldType.LONG), FieldDef.of("d", FieldType.DOUBLE),
                new FieldDef("s", FieldType.STRING, 40, 0), FieldDef.of("b", FieldType.BOOLEAN),
                FieldDef.of("day", FieldType.DATE), FieldDef.of("ts", FieldType.DATETIME));
        Object[][] rows = {
            {(long) Integer.MIN_VALUE, 123456789L, Long.MAX_VALUE / 10, 0.1 + 0.2, "Zürich", true,
                LocalDate.of(2024, 2, 29), "2024-02-29T12:34:56.789+01:00"},
            {null, null, null, null, null, null, null, null},
            {7L, -5L, -123456789012345L, -1.5e-7, "東京 Tōkyō", false, LocalDate.of(1900, 1, 1), "2000-01-01T00:00:00Z"},
            {0L, 0L, 0L, 1e20, "  lead", null, null, null},
        };
        List<Feature> in = new ArrayList<>();
        ShpFixture fx = new ShpFixture(5, false, false);
        for (int i = 0; i < rows.length; i++) {
            in.add(new Feature(i, fx.point(), rows[i]));
        }
        Path shp = dir.resolve("types.shp");
        ShpFixture.write(shp, ShpFixture.layer("types", GeometryKind.POINT, false, false, fields), in);

        LayerDef def = ShpFixture.layerOf(shp);
        assertThat(def.fields()).extracting(FieldDef::type).containsExactly(FieldType.LONG, FieldType.INTEGER,
                FieldType.LONG, FieldType.DOUBLE, FieldType.STRING, FieldType.BOOLEAN, FieldType.DATE,
                FieldType.STRING);
        assertThat(Files.readString(dir.resolve("types.cpg"))).isEqualTo("UTF-8");
        List<Feature> out = ShpFixture.read(shp);
        for (int i = 0; i < rows.length; i++) {
            assertThat(out.get(i).values()).as("row %d", i).containsExactly(rows[i]);
        }
    }

    @Test
    void longFieldNamesAreCutToTenBytesWithoutCollisions() throws Exception {
        List<FieldDef> fields = List.of(FieldDef.of("population_2020", FieldType.LONG),
                FieldDef.of("population_2021", FieldType.LONG), FieldDef.of("POPULATION_2022", FieldType.LONG),
                FieldDef.of("größenordnung", FieldType.STRING), FieldDef.of("short", FieldType.LONG));
        Path shp = dir.resolve("names.shp");
        ShpFixture.write(shp, ShpFixture.layer("names", GeometryKind.POINT, false, false, fields),
                List.of(new Feature(0, GF.createPoint(new org.locationtech.jts.geom.CoordinateXY(1, 2)),
                        new Object[] {1L, 2L, 3L, "x", 5L})));
        assertThat(ShpFixture.layerOf(shp).fields()).extracting(FieldDef::name)
                .containsExactly("population", "populati_1", "POPULATI_2", "größenor", "short");
    }

    @Test
    void cursorRangesEqualSlicesOfAFullRead() throws Exception {
        ShpFixture fx = new ShpFixture(11, true, false);
        List<Feature> in = new ArrayList<>();
        for (int i = 0; i < 97; i++) {
            in.add(new Feature(i, i % 10 == 0 ? null : fx.line(2 + i % 7), new Object[] {"f" + i}));
        }
        Path shp = dir.resolve("ranges.shp");
        ShpFixture.write(shp, ShpFixture.layer("ranges", GeometryKind.MULTILINESTRING, true, false,
                List.of(FieldDef.of("name", FieldType.STRING))), in);
        List<Feature> all = ShpFixture.read(shp);
        List<Feature> chunks = new ArrayList<>();
        for (long off = 0; off < 97; off += 13) {
            List<Feature> part = ShpFixture.read(shp, off, 13);
            assertThat(part).extracting(Feature::fid).containsExactlyElementsOf(
                    all.subList((int) off, (int) Math.min(97, off + 13)).stream().map(Feature::fid).toList());
            chunks.addAll(part);
        }
        assertThat(chunks).hasSize(97);
        for (int i = 0; i < 97; i++) {
            assertThat(ShpFixture.sameCoordinates(chunks.get(i).geometry(), all.get(i).geometry())).isTrue();
            assertThat(chunks.get(i).values()).containsExactly(all.get(i).values());
        }
        assertThat(ShpFixture.read(shp, 90, -1)).hasSize(7);
        assertThat(ShpFixture.read(shp, 200, 5)).isEmpty();
    }

    @Test
    void mixedGeometryFamiliesAreAFormatFailure() throws Exception {
        ShpFixture fx = new ShpFixture(1, false, false);
        Path shp = dir.resolve("mixed.shp");
        assertThatThrownBy(() -> ShpFixture.write(shp, ShpFixture.layer("mixed", GeometryKind.GEOMETRY, false, false,
                List.of()), List.of(new Feature(0, fx.polygon(0, 0, 0), new Object[0]),
                new Feature(1, fx.line(3), new Object[0]))))
                .isInstanceOfSatisfying(AssetFailure.class, e -> {
                    assertThat(e.errorClass()).isEqualTo(ErrorClass.FORMAT);
                    assertThat(e.getMessage()).contains("mixed.shp", "feature 1", "LineString", "Polygon");
                });
        assertThat(Files.exists(shp)).as("abandoned output removed").isFalse();
    }

    @Test
    void polygonsAndMultiPolygonsShareOneFile() throws Exception {
        ShpFixture fx = new ShpFixture(2, false, false);
        Path shp = dir.resolve("poly.shp");
        ShpFixture.write(shp, ShpFixture.layer("poly", GeometryKind.POLYGON, false, false, List.of()),
                List.of(new Feature(0, fx.polygon(0, 0, 0), new Object[0]), new Feature(1,
                        GF.createMultiPolygon(new Polygon[] {fx.polygon(10, 0, 1), fx.polygon(30, 0, 0)}), new Object[0])));
        assertThat(ShpFixture.read(shp)).extracting(f -> f.geometry().getGeometryType())
                .containsExactly("Polygon", "MultiPolygon");
    }

    @Test
    void binaryFieldsAreRefusedNamingTheField() {
        Path shp = dir.resolve("bin.shp");
        assertThatThrownBy(() -> ShpFixture.write(shp, ShpFixture.layer("bin", GeometryKind.POINT, false, false,
                List.of(FieldDef.of("blob", FieldType.BINARY))), List.of()))
                .isInstanceOfSatisfying(AssetFailure.class, e -> {
                    assertThat(e.errorClass()).isEqualTo(ErrorClass.FORMAT);
                    assertThat(e.getMessage()).contains("blob", "BINARY");
                });
    }

    @Test
    void growingPastTheSizeLimitFailsNamingTheFileAndAnAlternative() throws Exception {
        ShpFixture fx = new ShpFixture(4, false, false);
        Path shp = dir.resolve("big.shp");
        try (FeatureSink sink = new ShapefileSink(shp, 100 + 10 * 28)) {
            sink.beginLayer(ShpFixture.layer("big", GeometryKind.POINT, false, false, List.of()));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 20; i++) {
                    sink.write(new Feature(i, fx.point(), new Object[0]));
                }
            }).isInstanceOfSatisfying(AssetFailure.class, e -> {
                assertThat(e.errorClass()).isEqualTo(ErrorClass.FORMAT);
                assertThat(e.getMessage()).contains("big.shp", "2 GiB", "feature 10", "GeoPackage");
            });
        }
    }

    @Test
    void publishMovesEverySidecarAndTheShpLastAndDropsAStalePrj() throws Exception {
        ShpFixture fx = new ShpFixture(6, false, false);
        Path finalShp = dir.resolve("out.shp");
        Files.writeString(dir.resolve("out.prj"), "stale");
        Path temp = dir.resolve(".out.shp.1.cairn-tmp");
        ShpFixture.write(temp, ShpFixture.layer("out", GeometryKind.POINT, false, false,
                List.of(FieldDef.of("n", FieldType.LONG))), List.of(new Feature(0, fx.point(), new Object[] {1L}),
                new Feature(1, fx.point(), new Object[] {2L})));
        assertThat(Files.exists(dir.resolve(".out.shp.1.cairn-tmp.dbf"))).isTrue();

        assertThatThrownBy(() -> ShapefileProvider.publish(temp, finalShp, 3))
                .isInstanceOfSatisfying(AssetFailure.class, e -> assertThat(e.getMessage()).contains("2 features, 3"));
        assertThat(ShapefileProvider.publish(temp, finalShp, 2)).isEqualTo(2);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("out.shp", "out.shx", "out.dbf", "out.cpg");
        }
        assertThat(ShpFixture.read(finalShp)).hasSize(2);
    }

    @Test
    void publishRefusesAnUnfinishedOutput() throws Exception {
        Path temp = dir.resolve("t.shp");
        try (FeatureSink sink = ShpFixture.PROVIDER.create(temp)) {
            sink.beginLayer(ShpFixture.layer("t", GeometryKind.POINT, false, false, List.of()));
            sink.write(new Feature(0, new ShpFixture(1, false, false).point(), new Object[0]));
            // copy the files before close() abandons them
            for (String ext : List.of(".shp", ".shx", ".dbf")) {
                Files.copy(dir.resolve("t" + ext), dir.resolve("u" + ext));
            }
        }
        assertThatThrownBy(() -> ShapefileProvider.publish(dir.resolve("u.shp"), dir.resolve("v.shp")))
                .isInstanceOfSatisfying(AssetFailure.class, e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.FORMAT));
        assertThat(Files.exists(dir.resolve("v.shp"))).isFalse();
    }
}
