package dev.cairn.geo.pipeline;

import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.testing.CountingContext;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import dev.cairn.geo.testing.Gdal;

class PipelineRoundTripTest {
    private static final FormatRegistry REGISTRY = FormatRegistry.load();
    private static final FormatProvider GPKG = REGISTRY.forName("gpkg").orElseThrow();
    private static final FormatProvider SHP = REGISTRY.forName("shp").orElseThrow();
    private static final FormatProvider GEOJSON = REGISTRY.forName("geojson").orElseThrow();

    @TempDir
    Path dir;

    @Test
    void gpkgToShapefileToGpkgKeepsEveryFeatureValueAndCoordinate() throws Exception {
        Path in = dir.resolve("places.gpkg");
        SampleData.writeGpkg(in, List.of(new LayerSpec("places", GeometryKind.POINT, 2056, 300)), 11);
        Path shp = dir.resolve("places.shp");
        Path back = dir.resolve("back.gpkg");
        CountingContext ctx = new CountingContext();

        FeatureConverter.Result there = FeatureConverter.convert(in, GPKG, shp, SHP,
                new FeatureConverter.Options("EPSG:2056", null, 0), ctx);
        FeatureConverter.Result home = FeatureConverter.convert(shp, SHP, back, GPKG, "EPSG:2056", null, ctx);

        assertThat(there.features()).isEqualTo(300);
        assertThat(home.features()).isEqualTo(300);
        assertThat(ctx.progress.get()).isEqualTo(600);
        Layers.Read original = Layers.read(GPKG, in, 0);
        Layers.Read roundTrip = Layers.read(GPKG, back, 0);
        // Shapefile numbers records from 0: fids are not kept; DATETIME comes back as text; dBase
        // cannot tell an empty text from a null one.
        Layers.assertSameFeatures(roundTrip, original, false, true, 1e-9);
        assertThat(roundTrip.def().fields()).filteredOn(f -> f.name().equals("updated"))
                .singleElement().extracting(f -> f.type()).isEqualTo(FieldType.STRING);
        assertThat(roundTrip.def().crsCode()).isEqualTo("EPSG:2056");
    }

    @Test
    void gpkgToGeoJsonToGpkgKeepsEveryFeatureFidValueAndCoordinate() throws Exception {
        Path in = dir.resolve("roads.gpkg");
        SampleData.writeGpkg(in, List.of(new LayerSpec("roads", GeometryKind.MULTILINESTRING, 4326, 250)), 12);
        Path json = dir.resolve("roads.geojson");
        Path back = dir.resolve("back.gpkg");

        FeatureConverter.convert(in, GPKG, json, GEOJSON, new FeatureConverter.Options("EPSG:4326", null, 0),
                new CountingContext());
        FeatureConverter.Result home = FeatureConverter.convert(json, GEOJSON, back, GPKG, "EPSG:4326", null,
                new CountingContext());

        assertThat(home.layerNames()).containsExactly("roads");
        Layers.assertSameFeatures(Layers.read(GPKG, back, 0), Layers.read(GPKG, in, 0), true, false, 1e-9);
    }

    @Test
    void everyLayerOfAMultiLayerGpkgIsCopiedIntoAGpkgThatOgrinfoCounts() throws Exception {
        Gdal.require();
        Path in = dir.resolve("alps.gpkg");
        SampleData.writeGpkg(in, List.of(
                new LayerSpec("peaks", GeometryKind.POINT, 2056, 120, true),
                new LayerSpec("lakes", GeometryKind.MULTIPOLYGON, 32632, 60)), 13);
        Path out = dir.resolve("out.gpkg");

        FeatureConverter.Result r = FeatureConverter.convert(in, GPKG, out, GPKG, "EPSG:3857", null,
                new CountingContext());

        assertThat(r.layerNames()).containsExactly("lakes", "peaks");
        String info = Gdal.run("ogrinfo", "-ro", "-so", "-al", out.toString());
        assertThat(info).contains("Layer name: lakes").contains("Layer name: peaks")
                .contains("Feature Count: 60").contains("Feature Count: 120").contains("3D Point");
    }

    @Test
    void shapefileAndGeoJsonOutputsOpenInOgrinfoWithEveryFeature() throws Exception {
        Gdal.require();
        Path in = dir.resolve("sites.gpkg");
        SampleData.writeGpkg(in, List.of(new LayerSpec("sites", GeometryKind.POLYGON, 27700, 90)), 14);
        Path shp = dir.resolve("sites.shp");
        Path json = dir.resolve("sites.geojson");

        FeatureConverter.convert(in, GPKG, shp, SHP, new FeatureConverter.Options("EPSG:27700", null, 0),
                new CountingContext());
        FeatureConverter.convert(in, GPKG, json, GEOJSON, new FeatureConverter.Options("EPSG:4326", null, 0),
                new CountingContext());

        assertThat(Gdal.run("ogrinfo", "-ro", "-so", "-al", shp.toString())).contains("Feature Count: 90");
        assertThat(Gdal.run("ogrinfo", "-ro", "-so", "-al", json.toString())).contains("Feature Count: 90");
    }
}
