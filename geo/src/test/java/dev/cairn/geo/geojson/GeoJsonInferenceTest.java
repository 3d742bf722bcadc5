package dev.cairn.geo.geojson;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoJsonInferenceTest {
    @TempDir
    Path dir;

    @Test
    void fieldTypesAreInferredFromEveryValueInFirstSeenOrder() throws Exception {
        Path file = collection("types.geojson",
                feature(null, "{\"i\":1,\"l\":1,\"d\":1,\"s\":\"x\",\"day\":\"2024-01-02\",\"at\":\"2024-01-02T03:04:05Z\","
                        + "\"b\":true,\"o\":{\"a\":[1,2]},\"arr\":[1,\"x\"],\"mix\":1,\"nul\":null,\"dmix\":\"2024-01-02\"}", null),
                feature(null, "{\"i\":-2147483648,\"l\":5000000000,\"d\":1.5,\"s\":\"y\",\"day\":\"2024-12-31\","
                        + "\"at\":\"2024-01-02 03:04:05.5+01:00\",\"b\":false,\"o\":null,\"arr\":[],\"mix\":\"q\",\"nul\":null,"
                        + "\"dmix\":\"2024-01-02T00:00\",\"late\":2}", null));

        LayerDef def = layer(file);

        assertThat(def.fields()).containsExactly(
                FieldDef.of("i", FieldType.INTEGER), FieldDef.of("l", FieldType.LONG), FieldDef.of("d", FieldType.DOUBLE),
                FieldDef.of("s", FieldType.STRING), FieldDef.of("day", FieldType.DATE), FieldDef.of("at", FieldType.DATETIME),
                FieldDef.of("b", FieldType.BOOLEAN), FieldDef.of("o", FieldType.STRING), FieldDef.of("arr", FieldType.STRING),
                FieldDef.of("mix", FieldType.STRING), FieldDef.of("nul", FieldType.STRING),
                FieldDef.of("dmix", FieldType.DATETIME), FieldDef.of("late", FieldType.INTEGER));
        assertThat(def.featureCount()).isEqualTo(2);
        List<Feature> read = read(file);
        assertThat(read.get(0).values()).containsExactly(1L, 1L, 1.0, "x", LocalDate.of(2024, 1, 2), "2024-01-02T03:04:05Z",
                true, "{\"a\":[1,2]}", "[1,\"x\"]", "1", null, "2024-01-02", null);
        assertThat(read.get(1).values()).containsExactly(-2147483648L, 5000000000L, 1.5, "y", LocalDate.of(2024, 12, 31),
                "2024-01-02 03:04:05.5+01:00", false, null, "[]", "q", null, "2024-01-02T00:00", 2L);
    }

    @Test
    void datesGdalAcceptsButThatAreNotIsoStayText() throws Exception {
        Path file = collection("dates.geojson", feature(null, "{\"a\":\"2024/01/02\",\"b\":\"2024-1-2\",\"c\":\"2024-02-30\"}", null));

        assertThat(layer(file).fields()).extracting(FieldDef::type)
                .containsExactly(FieldType.STRING, FieldType.STRING, FieldType.DATE);
    }

    @Test
    void integersBeyond64BitsMakeTheFieldDouble() throws Exception {
        Path file = collection("big.geojson", feature(null, "{\"n\":12345678901234567890123}", null));

        assertThat(layer(file).fields()).containsExactly(FieldDef.of("n", FieldType.DOUBLE));
        assertThat(read(file).get(0).values()[0]).isEqualTo(1.2345678901234568e22);
    }

    @Test
    void geometryKindIsTheUniformTypeOrGeometryAndZWhenAnyPositionHasThree() throws Exception {
        String p2 = "{\"type\":\"Point\",\"coordinates\":[1,2]}";
        String p3 = "{\"type\":\"Point\",\"coordinates\":[1,2,3]}";
        String line = "{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4]]}";
        LayerDef points = layer(collection("p.geojson", feature(null, "{}", p2), feature(null, "{}", "null"), feature(null, "{}", p3)));
        LayerDef mixed = layer(collection("m.geojson", feature(null, "{}", p2), feature(null, "{}", line)));
        LayerDef none = layer(collection("n.geojson", feature(null, "{}", "null")));

        assertThat(points.geometryKind()).isEqualTo(GeometryKind.POINT);
        assertThat(points.hasZ()).isTrue();
        assertThat(mixed.geometryKind()).isEqualTo(GeometryKind.GEOMETRY);
        assertThat(mixed.hasZ()).isFalse();
        assertThat(none.geometryKind()).isEqualTo(GeometryKind.GEOMETRY);
    }

    @Test
    void increasingIntegerIdsAreFidsOtherwiseThePositionAndIdsAreKept() throws Exception {
        Path increasing = collection("inc.geojson", feature("10", "{}", null), feature("20", "{}", null));
        Path repeated = collection("rep.geojson", feature("5", "{}", null), feature("5", "{}", null), feature(null, "{}", null));
        Path strings = collection("str.geojson", feature("\"a\"", "{\"x\":1}", null), feature("7", "{\"x\":2}", null));
        Path shadowed = collection("own.geojson", feature("\"a\"", "{\"id\":\"mine\"}", null));

        assertThat(read(increasing)).extracting(Feature::fid).containsExactly(10L, 20L);
        assertThat(layer(increasing).fields()).isEmpty();
        assertThat(read(repeated)).extracting(Feature::fid).containsExactly(0L, 1L, 2L);
        assertThat(layer(repeated).fields()).containsExactly(FieldDef.of("id", FieldType.LONG));
        assertThat(read(repeated)).extracting(f -> f.values()[0]).containsExactly(5L, 5L, null);
        assertThat(layer(strings).fields()).containsExactly(FieldDef.of("id", FieldType.STRING), FieldDef.of("x", FieldType.INTEGER));
        assertThat(read(strings)).extracting(f -> f.values()[0]).containsExactly("a", "7");
        assertThat(layer(shadowed).fields()).containsExactly(FieldDef.of("id", FieldType.STRING));
        assertThat(read(shadowed).get(0).values()).containsExactly("mine");
    }

    @Test
    void legacyCrsMemberNamingAnEpsgCodeIsHonoured() throws Exception {
        Path mercator = Files.writeString(dir.resolve("merc.geojson"), "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
                + "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::3857\"}},\"features\":[" + feature(null, "{}", null) + "]}");
        Path crs84 = Files.writeString(dir.resolve("crs84.geojson"), "{\"type\":\"FeatureCollection\",\"features\":[],"
                + "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:OGC:1.3:CRS84\"}}}");

        assertThat(layer(mercator).crsCode()).isEqualTo("EPSG:3857");
        assertThat(layer(crs84).crsCode()).isEqualTo("EPSG:4326");
        assertThat(LegacyCrs.resolve("name", "EPSG:2056", null)).isEqualTo("EPSG:2056");
        assertThat(LegacyCrs.resolve("name", "http://www.opengis.net/def/crs/EPSG/0/32632", null)).isEqualTo("EPSG:32632");
        assertThat(LegacyCrs.resolve("EPSG", null, "27700")).isEqualTo("EPSG:27700");
    }

    @Test
    void singleBareFeatureAndBomAreRead() throws Exception {
        Path file = Files.write(dir.resolve("one.json"), ("\uFEFF  " + feature("3", "{\"name\":\"東京\"}",
                "{\"type\":\"Point\",\"coordinates\":[139.69,35.69]}")).getBytes(StandardCharsets.UTF_8));

        assertThat(new GeoJsonProvider().probe(file, Files.readAllBytes(file))).isTrue();
        List<Feature> read = read(file);
        assertThat(read).hasSize(1);
        assertThat(read.get(0).fid()).isEqualTo(3);
        assertThat(read.get(0).values()).containsExactly("東京");
        assertThat(read.get(0).geometry().getCoordinate().x).isEqualTo(139.69);
    }

    @Test
    void featureWithoutGeometryOrPropertiesMembersReadsAsNulls() throws Exception {
        Path file = collection("sparse.geojson", "{\"type\":\"Feature\"}", feature(null, "{\"a\":1}", null));

        List<Feature> read = read(file);
        assertThat(read.get(0).geometry()).isNull();
        assertThat(read.get(0).values()).containsExactly((Object) null);
    }

    static String feature(String id, String properties, String geometry) {
        return "{\"type\":\"Feature\"" + (id == null ? "" : ",\"id\":" + id) + ",\"properties\":" + properties
                + ",\"geometry\":" + (geometry == null ? "null" : geometry) + "}";
    }

    private Path collection(String name, String... features) throws Exception {
        return Files.writeString(dir.resolve(name),
                "{\"type\":\"FeatureCollection\",\"features\":[\n" + String.join(",\n", features) + "\n]}\n");
    }

    private static LayerDef layer(Path file) throws Exception {
        try (FeatureSource s = new GeoJsonProvider().open(file)) {
            return s.layers().get(0);
        }
    }

    private static List<Feature> read(Path file) throws Exception {
        return SampleLayer.readAll(new GeoJsonProvider(), file);
    }
}
