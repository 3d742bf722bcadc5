package dev.cairn.geo.pipeline;

import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.testing.CountingContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.gpkg.GpkgConverter;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;

class PipelineReprojectionTest {
    private static final FormatProvider GPKG = FormatRegistry.load().forName("gpkg").orElseThrow();

    @TempDir
    Path dir;

    @Test
    void reprojecting2056To4326AgreesWithTheGpkgFastPathWithin1e9Degrees() throws Exception {
        Path in = dir.resolve("swiss.gpkg");
        SampleData.writeGpkg(in, List.of(
                new LayerSpec("peaks", GeometryKind.POINT, 2056, 150, true),
                new LayerSpec("roads", GeometryKind.LINESTRING, 2056, 120),
                new LayerSpec("parcels", GeometryKind.MULTIPOLYGON, 2056, 60)), 21);
        Path generic = dir.resolve("generic.gpkg");
        Path fast = dir.resolve("fast.gpkg");

        FeatureConverter.Result r = FeatureConverter.convert(in, GPKG, generic, GPKG, "EPSG:4326", null,
                new CountingContext());
        GpkgConverter.convert(in, fast, new GpkgConverter.Options("EPSG:4326", null), new CountingContext());

        assertThat(r.features()).isEqualTo(330);
        for (int layer = 0; layer < 3; layer++) {
            Layers.Read expected = Layers.read(GPKG, fast, layer);
            Layers.Read actual = Layers.read(GPKG, generic, layer);
            assertThat(actual.def().name()).isEqualTo(expected.def().name());
            assertThat(actual.def().crsCode()).isEqualTo("EPSG:4326");
            Layers.assertSameFeatures(actual, expected, true, false, 1e-9);
        }
    }

    @Test
    void aLayerWithoutCrsFailsNamingFileAndLayerUnlessACrsIsAssumed() throws Exception {
        Path in = dir.resolve("nocrs.gpkg");
        SampleData.writeGpkg(in, List.of(new LayerSpec("things", GeometryKind.POINT, 0, 30)), 22);
        Path out = dir.resolve("out.gpkg");

        AssetFailure f = catchThrowableOfType(AssetFailure.class, () ->
                FeatureConverter.convert(in, GPKG, out, GPKG, "EPSG:4326", null, new CountingContext()));
        FeatureConverter.Result r = FeatureConverter.convert(in, GPKG, out, GPKG, "EPSG:4326", "EPSG:2056",
                new CountingContext());

        assertThat(f.errorClass()).isEqualTo(ErrorClass.CRS);
        assertThat(f.getMessage()).contains("nocrs.gpkg").contains("'things'").contains("--assume-crs");
        assertThat(r.features()).isEqualTo(30);
    }

    @Test
    void aCoordinateOutsideTheOperationsDomainIsAGeometryFailureNamingLayerAndFid() throws Exception {
        Path in = dir.resolve("far.gpkg");
        SampleData.writeGpkg(in, List.of(new LayerSpec("far", GeometryKind.POINT, 4326, 5)), 23);
        Path merc = dir.resolve("merc.gpkg");
        // Longitudes beyond ±90° of the central meridian lie outside a transverse Mercator's domain
        // only for some implementations, so use the pole, which Pseudo-Mercator sends to infinity.
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + in)) {
            c.createStatement().executeUpdate("UPDATE far SET geom = X'47500001E61000000101000000"
                    + "0000000000000000" + "0000000000805640' WHERE fid = (SELECT min(fid) FROM far)");
        }

        AssetFailure f = catchThrowableOfType(AssetFailure.class, () ->
                FeatureConverter.convert(in, GPKG, merc, GPKG, "EPSG:3857", null, new CountingContext()));

        assertThat(f.errorClass()).isEqualTo(ErrorClass.GEOMETRY);
        assertThat(f.getMessage()).contains("far.gpkg").contains("layer 'far', fid 1").contains("EPSG:3857");
    }
}
