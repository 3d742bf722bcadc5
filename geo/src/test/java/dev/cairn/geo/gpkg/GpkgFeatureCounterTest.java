package dev.cairn.geo.gpkg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpkgFeatureCounterTest {
    @TempDir
    Path dir;

    @Test
    void countsFeaturesOfEveryFeatureTable() {
        Path file = dir.resolve("two layers.gpkg");
        SampleData.writeGpkg(file, List.of(
                new LayerSpec("points", GeometryKind.POINT, 2056, 120),
                new LayerSpec("areas", GeometryKind.POLYGON, 32632, 35)), 7);
        assertThat(GpkgFeatureCounter.countFeatures(file)).isEqualTo(155);
    }

    @Test
    void unreadableFilesCountZero() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.gpkg"), "not a database at all, just text");
        Path empty = Files.createFile(dir.resolve("empty.gpkg"));
        assertThat(GpkgFeatureCounter.countFeatures(garbage)).isZero();
        assertThat(GpkgFeatureCounter.countFeatures(empty)).isZero();
        assertThat(GpkgFeatureCounter.countFeatures(dir.resolve("missing.gpkg"))).isZero();
    }
}
