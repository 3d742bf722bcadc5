package dev.cairn.geo.gpkg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpkg_geometry_columns z/m = 2 means "optional": read as 2D, as GDAL does. Declared as Z it
 * made Shapefiles PolygonZ with invented zeros and FlatGeobufs whose header promised Z values
 * the features did not have (GDAL: "Unexpected nullptr: Z data").
 */
class GpkgOptionalDimensionsTest {
    @TempDir
    Path dir;

    @Test
    void optionalZAndMAreNotDeclaredDimensions() throws Exception {
        Path file = dir.resolve("opt.gpkg");
        SampleData.writeGpkg(file, List.of(new LayerSpec("parcels", GeometryKind.POLYGON, 4326, 10)), 3L);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE gpkg_geometry_columns SET z = 2, m = 2");
        }
        try (FeatureSource source = new GpkgProvider().open(file)) {
            LayerDef layer = source.layers().get(0);
            assertThat(layer.hasZ()).isFalse();
            assertThat(layer.hasM()).isFalse();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE gpkg_geometry_columns SET z = 1, m = 0");
        }
        try (FeatureSource source = new GpkgProvider().open(file)) {
            assertThat(source.layers().get(0).hasZ()).as("z = 1 is mandatory Z").isTrue();
        }
    }
}
