package dev.cairn.geo.pipeline;

import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.testing.CountingContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;

class FormatRegistryTest {
    private static final FormatRegistry REGISTRY = FormatRegistry.load();
    private static final String POINT = """
            {"type":"Feature","id":1,"properties":{"n":1},"geometry":{"type":"Point","coordinates":[8.5,47.3]}}""";

    @TempDir
    Path dir;

    @Test
    void everyRegisteredFormatIsFoundByName() {
        assertThat(REGISTRY.names()).contains("gpkg", "shp", "geojson", "geojsonseq");
        assertThat(REGISTRY.forName("GPKG")).map(p -> p.name()).contains("gpkg");
        assertThat(REGISTRY.forName("kml")).isEmpty();
        assertThat(REGISTRY.extensions()).contains(".gpkg", ".shp", ".geojson");
    }

    @Test
    void detectRecognisesEachFormatByContent() throws Exception {
        Path gpkg = dir.resolve("a.gpkg");
        SampleData.writeGpkg(gpkg, List.of(new LayerSpec("pts", GeometryKind.POINT, 4326, 5)), 31);
        Path shp = dir.resolve("a.shp");
        FeatureConverter.convert(gpkg, REGISTRY.forName("gpkg").orElseThrow(), shp,
                REGISTRY.forName("shp").orElseThrow(), "EPSG:4326", null, new CountingContext());
        Path geojson = Files.writeString(dir.resolve("a.geojson"),
                "{\"type\":\"FeatureCollection\",\"features\":[" + POINT + "]}");
        Path seq = Files.writeString(dir.resolve("a.geojsonl"), POINT + "\n" + POINT.replace("\"id\":1", "\"id\":2") + "\n");

        assertThat(REGISTRY.detect(gpkg).name()).isEqualTo("gpkg");
        assertThat(REGISTRY.detect(shp).name()).isEqualTo("shp");
        assertThat(REGISTRY.detect(geojson).name()).isEqualTo("geojson");
        assertThat(REGISTRY.detect(seq).name()).isEqualTo("geojsonseq");
    }

    @Test
    void aGeoJsonFileNamedGpkgIsDetectedAsGeoJson() throws Exception {
        Path lying = Files.writeString(dir.resolve("lying.gpkg"),
                "{\"type\":\"FeatureCollection\",\"features\":[" + POINT + "]}");

        assertThat(REGISTRY.detect(lying).name()).isEqualTo("geojson");
    }

    @Test
    void aFileOfNoKnownFormatIsAFormatFailureNamingTheFile() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.gpkg"), "just some notes, not geodata\n");
        Path sqlite = dir.resolve("plain.gpkg");
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + sqlite)) {
            c.createStatement().execute("CREATE TABLE t (x)");
        }

        for (Path p : List.of(text, sqlite)) {
            AssetFailure f = catchThrowableOfType(AssetFailure.class, () -> REGISTRY.detect(p));
            assertThat(f.errorClass()).isEqualTo(ErrorClass.FORMAT);
            assertThat(f.isTransient()).isFalse();
            assertThat(f.getMessage()).startsWith(p.toString())
                    .contains("not a GeoPackage, Shapefile, GeoJSON or FlatGeobuf file");
        }
    }
}
