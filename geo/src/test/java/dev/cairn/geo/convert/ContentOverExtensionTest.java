package dev.cairn.geo.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.testing.CountingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file is reported as what its content is, not as a broken file of its extension's format: a
 * TIFF named {@code .shp} is "not a Shapefile: the content is a TIFF image", not "missing .shx".
 */
class ContentOverExtensionTest {
    @TempDir
    Path dir;

    /** The first bytes of a little-endian classic TIFF, then padding: what GDAL writes for a GeoTIFF. */
    private static final byte[] TIFF = {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    private AssetFailure convert(Path input) {
        ConvertOptions options = new ConvertOptions(List.of(input), dir.resolve("out"), "EPSG:4326", "gpkg", null);
        Asset asset = new Asset("x", input.toString(), null, dir.resolve("out/x.gpkg").toString(), 16, 0);
        return catchThrowableOfType(AssetFailure.class, () -> new ConvertProcessor(options).process(asset, new CountingContext()));
    }

    @Test
    void aTiffNamedShpIsReportedAsATiffNotAsAShapefileMissingItsShx() throws Exception {
        Path shp = Files.write(dir.resolve("scene.shp"), TIFF);
        AssetFailure f = convert(shp);
        assertThat(f.errorClass()).isEqualTo(ErrorClass.FORMAT);
        assertThat(f).hasMessage(shp + ": not a Shapefile: the content is a TIFF image (GeoTIFF rasters are not vector data)");
    }

    @Test
    void aTiffNamedExplicitlyIsNamedAsOneAmongTheFormatsItIsNot() throws Exception {
        Path tif = Files.write(dir.resolve("scene.tif"), TIFF);
        AssetFailure f = convert(tif);
        assertThat(f.errorClass()).isEqualTo(ErrorClass.FORMAT);
        assertThat(f).hasMessage(tif + ": not a GeoPackage, Shapefile, GeoJSON or FlatGeobuf file (the content is a TIFF"
                + " image (GeoTIFF rasters are not vector data))");
    }

    @Test
    void aBrokenFileOfItsExtensionsFormatIsStillExplainedByThatFormatsReader() throws Exception {
        Path shp = Files.write(dir.resolve("broken.shp"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(convert(shp).getMessage()).doesNotContain("the content is");
    }
}
