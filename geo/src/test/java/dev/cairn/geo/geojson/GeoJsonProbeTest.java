package dev.cairn.geo.geojson;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoJsonProbeTest {
    private static final String FEATURE = GeoJsonInferenceTest.feature("1", "{\"a\":1}",
            "{\"type\":\"Point\",\"coordinates\":[8.5,47.3]}");
    private static final GeoJsonProvider GEOJSON = new GeoJsonProvider();
    private static final GeoJsonSeqProvider SEQ = new GeoJsonSeqProvider();

    @TempDir
    Path dir;

    @Test
    void geoJsonNamedGpkgIsRecognisedAsGeoJsonByContent() throws Exception {
        Path file = write("trap.gpkg", "{\"type\":\"FeatureCollection\",\"features\":[" + FEATURE + "]}");

        assertThat(GEOJSON.probe(file, head(file))).isTrue();
        assertThat(SEQ.probe(file, head(file))).isFalse();
        try (FeatureSource s = GEOJSON.open(file)) {
            assertThat(s.layers().get(0).featureCount()).isEqualTo(1);
        }
    }

    @Test
    void geoPackageIsNotGeoJson() throws Exception {
        Path file = dir.resolve("real.geojson");
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.createStatement().execute("CREATE TABLE t (a INTEGER)");
        }
        assertThat(new String(head(file), 0, 15, StandardCharsets.US_ASCII)).isEqualTo("SQLite format 3");

        assertThat(GEOJSON.probe(file, head(file))).isFalse();
        assertThat(SEQ.probe(file, head(file))).isFalse();
    }

    @Test
    void sequencesAreTellApartFromCollectionsByContent() throws Exception {
        Path rs = write("a.json", "\u001e" + FEATURE + "\n\u001e" + FEATURE + "\n");
        Path lines = write("b.json", FEATURE + "\n" + FEATURE + "\n");
        Path single = write("c.json", FEATURE + "\n");
        Path singleSeq = write("d.geojsonl", FEATURE + "\n");

        assertThat(List.of(rs, lines, single, singleSeq)).map(f -> GEOJSON.probe(f, head(f)))
                .containsExactly(false, false, true, false);
        assertThat(List.of(rs, lines, single, singleSeq)).map(f -> SEQ.probe(f, head(f)))
                .containsExactly(true, true, false, true);
    }

    @Test
    void firstFeatureLargerThanTheHeadIsJudgedByExtension() throws Exception {
        String big = GeoJsonInferenceTest.feature("1", "{\"text\":\"" + "x".repeat(5000) + "\"}", null);
        Path seq = write("big.geojsons", big + "\n" + big + "\n");
        Path one = write("big.geojson", big);

        assertThat(SEQ.probe(seq, head(seq))).isTrue();
        assertThat(GEOJSON.probe(seq, head(seq))).isFalse();
        assertThat(GEOJSON.probe(one, head(one))).isTrue();
        try (FeatureSource s = SEQ.open(seq)) {
            assertThat(s.layers().get(0).featureCount()).isEqualTo(2);
        }
    }

    @Test
    void collectionWhoseTypeComesLateIsStillRecognised() throws Exception {
        Path file = write("late.json", "{\"features\":[" + FEATURE + "],\"type\":\"FeatureCollection\"}");

        assertThat(GEOJSON.probe(file, head(file))).isTrue();
    }

    @Test
    void otherJsonIsNotGeoJson() throws Exception {
        // (a bare geometry is GeoJSON: RFC 7946 allows it at the root, see GeoJsonBareGeometryTest)
        for (String text : List.of("{\"type\":\"Topology\"}", "[1,2]", "{\"a\":1}", "", "   ", "PK\u0003\u0004")) {
            Path file = write("other.json", text);
            assertThat(GEOJSON.probe(file, head(file))).as(text).isFalse();
            assertThat(SEQ.probe(file, head(file))).as(text).isFalse();
        }
    }

    @Test
    void bothProvidersAreRegisteredForServiceLoader() throws Exception {
        // read the registration itself: other providers listed there may be work in progress
        List<String> registered = new ArrayList<>();
        var resources = getClass().getClassLoader().getResources("META-INF/services/" + FormatProvider.class.getName());
        while (resources.hasMoreElements()) {
            try (var in = resources.nextElement().openStream()) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip).forEach(registered::add);
            }
        }
        assertThat(registered).contains(GeoJsonProvider.class.getName(), GeoJsonSeqProvider.class.getName());
        assertThat(GEOJSON.name()).isEqualTo("geojson");
        assertThat(GEOJSON.extensions()).containsExactly(".geojson", ".json");
        assertThat(SEQ.name()).isEqualTo("geojsonseq");
        assertThat(SEQ.extensions()).containsExactly(".geojsons", ".geojsonl", ".geojsonseq");
        assertThat(GEOJSON.multiLayer()).isFalse();
        assertThat(SEQ.multiLayer()).isFalse();
    }

    @Test
    void sequenceWriterUsesRecordSeparatorsOnlyForGeojsons() throws Exception {
        for (String name : List.of("x.geojsons", ".x.geojsons.1.cairn-tmp", "x.geojsonl")) {
            Path file = dir.resolve(name);
            SampleLayer.write(SEQ, file, SampleLayer.layer("x", List.of(), false), SampleLayer.features(1, 3).stream()
                    .map(f -> new dev.cairn.geo.format.Feature(f.fid(), f.geometry(), new Object[0])).toList());
            String text = Files.readString(file);
            assertThat(text.lines()).hasSize(3);
            assertThat(text.chars().filter(c -> c == 0x1e).count()).as(name).isEqualTo(name.contains("geojsons") ? 3 : 0);
        }
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    static byte[] head(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            return Arrays.copyOf(all, Math.min(all.length, 4096));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
