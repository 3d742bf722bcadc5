package dev.cairn.geo.geojson;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.locationtech.jts.geom.Geometry;

class GeoJsonRoundTripTest {

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of(new GeoJsonProvider(), "out.geojson"),
                Arguments.of(new GeoJsonSeqProvider(), "out.geojsons"),
                Arguments.of(new GeoJsonSeqProvider(), "out.geojsonl"));
    }

    @ParameterizedTest
    @MethodSource("formats")
    void everyGeometryTypeSurvivesWithZEmptyAndNull(FormatProvider provider, String name, @TempDir Path dir) throws Exception {
        List<Feature> written = new ArrayList<>();
        for (int i = 0; i < SampleLayer.GEOMETRIES.length; i++) {
            written.add(new Feature(i, SampleLayer.wkt(SampleLayer.GEOMETRIES[i]), new Object[0]));
        }
        written.add(new Feature(written.size(), null, new Object[0]));
        Path file = dir.resolve(name);
        SampleLayer.write(provider, file, SampleLayer.layer("out", List.of(), true), written);

        assertThat(provider.probe(file, head(file))).isTrue();
        List<Feature> read = SampleLayer.readAll(provider, file);
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < written.size(); i++) {
            Geometry expected = written.get(i).geometry();
            Geometry actual = read.get(i).geometry();
            assertThat(SampleLayer.sameGeometry(expected, actual))
                    .as("%s read back as %s", expected, actual).isTrue();
            assertThat(read.get(i).fid()).isEqualTo(i);
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void everyAttributeTypeSurvivesIncludingNullAndNonAscii(FormatProvider provider, String name, @TempDir Path dir)
            throws Exception {
        List<Feature> written = SampleLayer.features(42, 300);
        Path file = dir.resolve(name);
        SampleLayer.write(provider, file, SampleLayer.layer("out", SampleLayer.ALL_TYPES, true), written);

        try (FeatureSource source = provider.open(file)) {
            LayerDef def = source.layers().get(0);
            assertThat(def.name()).isEqualTo("out");
            assertThat(def.fields()).isEqualTo(SampleLayer.ALL_TYPES);
            assertThat(def.featureCount()).isEqualTo(300);
            assertThat(def.crsCode()).isEqualTo("EPSG:4326");
            assertThat(def.crs()).isNotNull();
            assertThat(def.geometryKind()).isEqualTo(GeometryKind.POINT);
            assertThat(def.hasZ()).isTrue();
            List<Feature> read = SampleLayer.readAll(source, 0, -1);
            assertSameFeatures(read, written);
        }
    }

    @Test
    void nonAsciiTextIsWrittenAsUtf8NotEscaped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("names.geojson");
        List<FieldDef> fields = List.of(FieldDef.of("name", FieldType.STRING));
        SampleLayer.write(new GeoJsonProvider(), file, SampleLayer.layer("names", fields, false),
                List.of(new Feature(0, null, new Object[] {"Zürich"}), new Feature(1, null, new Object[] {"東京"})));

        assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("\"Zürich\"").contains("\"東京\"");
    }

    @Test
    void binaryIsWrittenAsUpperCaseHexTextLikeGdal(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bin.geojson");
        SampleLayer.write(new GeoJsonProvider(), file,
                SampleLayer.layer("bin", List.of(FieldDef.of("raw", FieldType.BINARY)), false),
                List.of(new Feature(0, null, new Object[] {new byte[] {0, (byte) 0xFF, 0x10}})));

        List<Feature> read = SampleLayer.readAll(new GeoJsonProvider(), file);
        assertThat(read.get(0).values()).containsExactly("00FF10");
    }

    @ParameterizedTest
    @MethodSource("formats")
    void adjacentCursorRangesEqualSlicesOfAFullRead(FormatProvider provider, String name, @TempDir Path dir)
            throws Exception {
        List<Feature> written = SampleLayer.features(7, 101);
        Path file = dir.resolve(name);
        SampleLayer.write(provider, file, SampleLayer.layer("out", SampleLayer.ALL_TYPES, true), written);

        try (FeatureSource source = provider.open(file)) {
            List<Feature> full = SampleLayer.readAll(source, 0, -1);
            Random r = new Random(3);
            for (int trial = 0; trial < 20; trial++) {
                long offset = r.nextInt(110);
                long limit = r.nextInt(40);
                List<Feature> range = SampleLayer.readAll(source, offset, limit);
                int from = (int) Math.min(offset, full.size());
                int to = (int) Math.min(offset + limit, full.size());
                assertSameFeatures(range, full.subList(from, to));
            }
            List<Feature> joined = new ArrayList<>(SampleLayer.readAll(source, 0, 33));
            joined.addAll(SampleLayer.readAll(source, 33, 50));
            joined.addAll(SampleLayer.readAll(source, 83, -1));
            assertSameFeatures(joined, full);
        }
    }

    @Test
    void coordinatesRoundedToNDecimalsHaveNoExponentsAndNoTrailingZeros() {
        assertThat(GeometryWriter.format(8.123456789012345, 9)).isEqualTo("8.123456789");
        assertThat(GeometryWriter.format(1e-9, 9)).isEqualTo("0.000000001");
        assertThat(GeometryWriter.format(-0.000001, 9)).isEqualTo("-0.000001");
        assertThat(GeometryWriter.format(47.3, 9)).isEqualTo("47.3");
        assertThat(GeometryWriter.format(-180, 9)).isEqualTo("-180");
        assertThat(GeometryWriter.format(1e-12, 9)).isEqualTo("0");
        assertThat(GeometryWriter.format(2600000.125, 9)).isEqualTo("2600000.125");
        assertThat(GeometryWriter.format(1.5e12, 9)).isEqualTo("1500000000000");
        assertThat(GeometryWriter.format(46.123456789012345, 7)).isEqualTo("46.1234568");
        assertThat(GeometryWriter.format(-0.00000004, 7)).as("no negative zero").isEqualTo("0");
        assertThat(GeometryWriter.format(2.5, 0)).as("half-even").isEqualTo("2");
        assertThat(GeometryWriter.format(12345678.91, 17)).as("beyond a long: exact decimal of the double")
                .isEqualTo("12345678.91000000014901161");
    }

    @Test
    void byDefaultEachCoordinateIsTheShortestDecimalThatReadsBackAsTheSameDouble() {
        assertThat(GeometryWriter.format(8.123456789012345)).isEqualTo("8.123456789012344");
        assertThat(GeometryWriter.format(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(GeometryWriter.format(1.0E23)).as("JDK 17's Double.toString writes 9.999999999999999E22")
                .isEqualTo("100000000000000000000000");
        assertThat(GeometryWriter.format(12345678.5)).as("no exponent").isEqualTo("12345678.5");
        assertThat(GeometryWriter.format(-1e-6)).isEqualTo("-0.000001");
        assertThat(GeometryWriter.format(100)).isEqualTo("100");
        assertThat(GeometryWriter.format(-0.0)).isEqualTo("0");
        assertThat(GeometryWriter.format(9.0000000004)).isEqualTo("9.0000000004");
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 100_000; i++) {
            double v = switch (i % 3) {
                case 0 -> (random.nextDouble() - 0.5) * 360;
                case 1 -> Double.longBitsToDouble(random.nextLong());
                default -> (random.nextDouble() - 0.5) * 4e7;
            };
            if (!Double.isFinite(v)) {
                continue;
            }
            String text = GeometryWriter.format(v);
            assertThat(text).doesNotContain("E");
            assertThat(Double.parseDouble(text)).as(text).isEqualTo(v == 0 ? 0.0 : v);
        }
    }

    static void assertSameFeatures(List<Feature> actual, List<Feature> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Feature a = actual.get(i);
            Feature e = expected.get(i);
            assertThat(a.fid()).as("fid of feature %d", i).isEqualTo(e.fid());
            assertThat(SampleLayer.sameGeometry(a.geometry(), e.geometry()))
                    .as("feature %d geometry %s vs %s", i, a.geometry(), e.geometry()).isTrue();
            assertThat(a.values()).as("feature %d values", i).containsExactly(e.values());
        }
    }

    static byte[] head(Path file) throws Exception {
        byte[] all = Files.readAllBytes(file);
        return java.util.Arrays.copyOf(all, Math.min(all.length, 4096));
    }
}
