package dev.cairn.geo.geojson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ranges read through the schema pass's byte index ({@link FeatureIndex}) give exactly the
 * features of one cursor over the whole file, in every layout a GeoJSON file can have.
 */
class GeoJsonRangeTest {
    private static final int N = 47;

    /** Feature {@code i} as JSON, with a string that holds braces, brackets and escapes. */
    private static String feature(int i, String id) {
        String geometry = i % 5 == 4 ? "null"
                : "{\"type\":\"Polygon\",\"coordinates\":[[[" + i + ",0],[" + (i + 1) + ",0],[" + i + ",1],[" + i + ",0]]]}";
        return "{\"type\":\"Feature\"" + (id == null ? "" : ",\"id\":" + id) + ",\"properties\":{\"n\":" + i
                + ",\"s\":\"{[\\\"" + i + "\\\"]}\\u00e9\",\"o\":{\"k\":[" + i + "]}},\"geometry\":" + geometry + "}";
    }

    private static List<String> features(boolean stringIds) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            all.add(feature(i, stringIds ? "\"f" + i + "\"" : String.valueOf(10 * i + 3)));
        }
        return all;
    }

    static Stream<Arguments> layouts() {
        String pretty = "{\n  \"type\": \"FeatureCollection\",\n  \"features\": [\n    "
                + String.join(",\n    ", features(false)) + "\n  ]\n}\n";
        String featuresFirst = "{\"features\":[" + String.join(" , ", features(true))
                + "],\"type\":\"FeatureCollection\",\"bbox\":[0,0,48,1],\"name\":\"x]}\"}";
        String seqRs = features(false).stream().map(f -> "\u001e" + f + "\n").reduce("", String::concat);
        String seqLines = String.join("\n", features(true)) + "\n";
        return Stream.of(
                Arguments.of("pretty.geojson", "\uFEFF" + pretty, false, StandardCharsets.UTF_8, true),
                Arguments.of("members-after.geojson", featuresFirst, false, StandardCharsets.UTF_8, true),
                Arguments.of("records.geojsons", seqRs, true, StandardCharsets.UTF_8, true),
                Arguments.of("lines.geojsonl", seqLines, true, StandardCharsets.UTF_8, true),
                // Jackson gives no byte offsets for UTF-16: no index, ranges skip from the start
                Arguments.of("utf16.geojson", pretty, false, StandardCharsets.UTF_16BE, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void everySplitIntoRangesGivesTheWholeFile(String name, String text, boolean sequence, Charset charset,
            boolean indexed, @TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve(name), text.getBytes(charset));
        Schema schema = SchemaScanner.scan(file, sequence, 4);
        assertThat(schema.layer().featureCount()).isEqualTo(N);
        if (indexed) {
            assertThat(schema.index()).isNotNull();
            assertThat(schema.index().offsets()).hasSize((N + 3) / 4);
            byte[] bytes = Files.readAllBytes(file);
            for (long at : schema.index().offsets()) {
                assertThat((char) bytes[(int) at]).as("byte %d opens a feature", at).isEqualTo('{');
            }
        } else {
            assertThat(schema.index()).isNull();
        }
        List<String> whole = read(file, sequence, schema, 0, -1);
        assertThat(whole).hasSize(N);
        for (int size : new int[] {1, 3, 4, 5, 9, 46, 47}) {
            List<String> joined = new ArrayList<>();
            for (int from = 0; from < N; from += size) {
                boolean last = from + size >= N;
                joined.addAll(read(file, sequence, schema, from, last ? -1 : size));
            }
            assertThat(joined).as("ranges of %d", size).isEqualTo(whole);
        }
        assertThat(read(file, sequence, schema, N, -1)).isEmpty();
        assertThat(read(file, sequence, schema, N + 10, 5)).isEmpty();
    }

    @Test
    void aFileWithTwoFeaturesMembersHasNoIndexAndStillReadsInRanges(@TempDir Path dir) throws Exception {
        List<String> all = features(false);
        String text = "{\"type\":\"FeatureCollection\",\"features\":[" + String.join(",", all.subList(0, 20))
                + "],\"features\":[" + String.join(",", all.subList(20, N)) + "]}";
        Path file = Files.writeString(dir.resolve("twice.geojson"), text);
        Schema schema = SchemaScanner.scan(file, false, 4);
        assertThat(schema.index()).isNull();
        List<String> whole = read(file, false, schema, 0, -1);
        assertThat(whole).hasSize(N);
        assertThat(read(file, false, schema, 18, 5)).isEqualTo(whole.subList(18, 23));
    }

    @Test
    void aFileChangedAfterTheSchemaPassFailsWithTheByteOffset(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.geojson"),
                "{\"type\":\"FeatureCollection\",\"features\":[" + String.join(",", features(false)) + "]}");
        Schema schema = SchemaScanner.scan(file, false, 4);
        byte[] bytes = Files.readAllBytes(file);
        int at = (int) schema.index().offsets()[5];
        bytes[at + 1] = '}'; // '{}"type"...' is no longer JSON
        Files.write(file, bytes);
        assertThatThrownBy(() -> read(file, false, schema, 21, 4))
                .isInstanceOf(AssetFailure.class)
                .satisfies(e -> assertThat(((AssetFailure) e).errorClass()).isEqualTo(ErrorClass.FORMAT))
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining("at byte " + (at + 2));
    }

    @Test
    void theSourceServesRangesFromTheCachedPassAndRescansAChangedFile(@TempDir Path dir) throws Exception {
        ScanCache.clear();
        Path file = Files.writeString(dir.resolve("cached.geojson"),
                "{\"type\":\"FeatureCollection\",\"features\":[" + String.join(",", features(false)) + "]}");
        Schema first = ScanCache.schema(file, false);
        assertThat(ScanCache.schema(file, false)).isSameAs(first);
        Files.writeString(file, "{\"type\":\"FeatureCollection\",\"features\":[" + String.join(",", features(false).subList(0, 9)) + "]}");
        Schema second = ScanCache.schema(file, false);
        assertThat(second).isNotSameAs(first);
        assertThat(second.layer().featureCount()).isEqualTo(9);
    }

    private static List<String> read(Path file, boolean sequence, Schema schema, long offset, long limit) throws Exception {
        List<String> out = new ArrayList<>();
        try (FeatureCursor cursor = new GeoJsonCursor(file, sequence, schema, offset, limit)) {
            Feature f;
            while ((f = cursor.next()) != null) {
                out.add(f.fid() + " " + f.geometry() + " " + Arrays.deepToString(f.values()));
            }
        }
        return out;
    }
}
