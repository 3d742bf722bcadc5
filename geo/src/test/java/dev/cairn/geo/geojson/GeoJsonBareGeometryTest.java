package dev.cairn.geo.geojson;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 7946 allows any GeoJSON object at the root: a bare geometry reads as one feature without properties. */
class GeoJsonBareGeometryTest {
    @TempDir
    Path dir;

    private List<Feature> read(Path file) throws Exception {
        List<Feature> out = new ArrayList<>();
        try (FeatureSource source = new GeoJsonProvider().open(file); FeatureCursor c = source.cursor(0, 0, -1)) {
            Feature f;
            while ((f = c.next()) != null) {
                out.add(f);
            }
        }
        return out;
    }

    @Test
    void aRootGeometryIsOneFeatureWithoutProperties() throws Exception {
        // "coordinates" before "type": members come in any order
        Path file = Files.writeString(dir.resolve("poly.geojson"), "{\"coordinates\": [[[0,0],[1,0],[1,1],[0,0]]],"
                + " \"type\": \"Polygon\", \"bbox\": [0,0,1,1]}");
        assertThat(new GeoJsonProvider().probe(file, Files.readAllBytes(file))).isTrue();
        try (FeatureSource source = new GeoJsonProvider().open(file)) {
            LayerDef layer = source.layers().get(0);
            assertThat(layer.fields()).isEmpty();
            assertThat(layer.geometryKind()).isEqualTo(GeometryKind.POLYGON);
            assertThat(layer.featureCount()).isEqualTo(1);
        }
        List<Feature> features = read(file);
        assertThat(features).hasSize(1);
        assertThat(features.get(0).geometry().toText()).isEqualTo("POLYGON ((0 0, 1 0, 1 1, 0 0))");
    }

    @Test
    void aRootGeometryCollectionLargerThanTheProbedHeadReadsWhole() throws Exception {
        StringBuilder sb = new StringBuilder("{\"type\":\"GeometryCollection\",\"geometries\":[");
        for (int i = 0; i < 2_000; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"type\":\"Point\",\"coordinates\":[").append(i).append(",1]}");
        }
        Path file = Files.write(dir.resolve("gc.json"), sb.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        assertThat(new GeoJsonProvider().probe(file, Files.readAllBytes(file))).isTrue();
        List<Feature> features = read(file);
        assertThat(features).hasSize(1);
        assertThat(features.get(0).geometry().getNumGeometries()).isEqualTo(2_000);
    }

    @Test
    void aTopologyOrAnArrayIsStillNotGeoJson() throws Exception {
        byte[] topo = "{\"type\":\"Topology\",\"objects\":{}}".getBytes(StandardCharsets.UTF_8);
        assertThat(new GeoJsonProvider().probe(dir.resolve("t.json"), topo)).isFalse();
        byte[] feature = "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(new GeoJsonProvider().probe(dir.resolve("f.json"), feature)).isTrue();
    }
}
