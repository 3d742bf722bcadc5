package dev.cairn.geo.geojson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.LayerDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeoJsonBadInputTest {
    private static final String HEAD = "{\"type\":\"FeatureCollection\",\"features\":[\n";
    private static final String OK = "{\"type\":\"Feature\",\"properties\":{\"a\":1},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "NaN coordinate | {\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[NaN,2]}} | NaN | 2",
        "Infinity property | {\"type\":\"Feature\",\"properties\":{\"a\":Infinity},\"geometry\":null} | Infinity | 2",
        "-Infinity coordinate | {\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,-Infinity]}} | Infinity | 2",
        "string coordinate | {\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[\"1\",2]}} | coordinate is a string | 2",
        "missing comma | {\"type\":\"Feature\" \"properties\":{}} | invalid JSON | 2",
        "unknown geometry | {\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Circle\",\"coordinates\":[1,2]}} | unknown geometry type | 2",
        "open ring | {\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}} | invalid Polygon | 2",
        "not a feature | {\"type\":\"Point\",\"coordinates\":[1,2]} | where a Feature was expected | 2",
    })
    void brokenFeatureIsAFormatFailureNamingFileLineAndColumn(String label, String feature, String what, int line)
            throws Exception {
        Path file = write("bad.geojson", HEAD + feature + "\n]}\n");

        AssetFailure f = layersFailure(file);

        assertThat(f.errorClass()).isEqualTo(ErrorClass.FORMAT);
        assertThat(f.isTransient()).isFalse();
        assertThat(f.getMessage()).startsWith(file + ": ").contains(what).contains("at line " + line + ", column ");
        assertThat(f.getMessage()).doesNotContain("\n");
    }

    @Test
    void truncatedFileIsAFormatFailure() throws Exception {
        String whole = HEAD + OK + ",\n" + OK + "\n]}\n";
        Path file = write("cut.geojson", whole.substring(0, whole.length() - 30));

        AssetFailure f = layersFailure(file);

        assertThat(f.errorClass()).isEqualTo(ErrorClass.FORMAT);
        assertThat(f.getMessage()).startsWith(file + ": truncated file").contains("at line 3, column ");
    }

    @Test
    void truncatedSequenceIsAFormatFailure() throws Exception {
        Path file = write("cut.geojsonl", OK + "\n" + OK.substring(0, 40));

        AssetFailure f = catchThrowableOfType(AssetFailure.class, () -> {
            try (FeatureSource s = new GeoJsonSeqProvider().open(file)) {
                s.layers();
            }
        });

        assertThat(f.errorClass()).isEqualTo(ErrorClass.FORMAT);
        assertThat(f.getMessage()).contains("truncated file").contains("line 2");
    }

    @Test
    void trailingGarbageAfterTheCollectionIsAFormatFailure() throws Exception {
        Path file = write("tail.geojson", HEAD + OK + "\n]}\n{}");

        assertThat(layersFailure(file).getMessage()).contains("after the end of the GeoJSON object").contains("line 4");
    }

    @Test
    void topLevelThatIsNotGeoJsonIsAFormatFailure() throws Exception {
        assertThat(layersFailure(write("a.geojson", "[1,2,3]")).getMessage())
                .contains("top level is an array").contains("line 1, column 1");
        assertThat(layersFailure(write("b.geojson", "{\"type\":\"Topology\",\"objects\":{}}")).getMessage())
                .contains("top-level type \"Topology\"");
        assertThat(layersFailure(write("c.geojson", "{\"hello\":\"world\"}")).getMessage()).contains("not GeoJSON");
        assertThat(layersFailure(write("d.geojson", "")).getMessage()).contains("empty file");
    }

    @Test
    void legacyCrsNamingNoEpsgCodeIsACrsFailure() throws Exception {
        Path file = write("crs.geojson", "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
                + "{\"name\":\"urn:ogc:def:crs:FOO::42\"}},\"features\":[" + OK + "]}");

        AssetFailure f = layersFailure(file);

        assertThat(f.errorClass()).isEqualTo(ErrorClass.CRS);
        assertThat(f.getMessage()).contains("urn:ogc:def:crs:FOO::42");
    }

    @Test
    void sinkRefusesALayerNotInEpsg4326() throws Exception {
        LayerDef mercator = new LayerDef("m", dev.cairn.geo.format.GeometryKind.POINT, false, false, null, "EPSG:3857",
                List.of(), -1);
        try (var sink = new GeoJsonProvider().create(dir.resolve("m.geojson"))) {
            AssetFailure f = catchThrowableOfType(AssetFailure.class, () -> sink.beginLayer(mercator));
            assertThat(f.errorClass()).isEqualTo(ErrorClass.CRS);
            assertThat(f.getMessage()).contains("EPSG:3857").contains("EPSG:4326");
        }
    }

    @Test
    void cursorReportsBadInputTooWhenTheFileChangedAfterTheSchemaPass() throws Exception {
        Path file = write("later.geojson", HEAD + OK + "\n]}\n");
        try (FeatureSource s = new GeoJsonProvider().open(file)) {
            s.layers();
            write("later.geojson", HEAD + OK.replace("[1,2]", "[1,NaN]") + "\n]}\n");
            AssetFailure f = catchThrowableOfType(AssetFailure.class, () -> SampleLayer.readAll(s, 0, -1));
            assertThat(f.errorClass()).isEqualTo(ErrorClass.FORMAT);
            assertThat(f.getMessage()).contains("NaN").contains("line 2");
        }
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static AssetFailure layersFailure(Path file) {
        AssetFailure f = catchThrowableOfType(AssetFailure.class, () -> {
            try (FeatureSource s = new GeoJsonProvider().open(file)) {
                s.layers();
                SampleLayer.readAll(s, 0, -1);
            }
        });
        assertThat(f).as("expected a failure for %s", file).isNotNull();
        return f;
    }
}
