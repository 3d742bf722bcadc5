package dev.cairn.raster.cog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoKeyDirectory;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.testing.Gdal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes COGs from generated images and holds them against GDAL: the validator with its
 * leader/trailer check, gdalinfo's view of the metadata, and the pixels of every level against
 * {@code gdaladdo} on a plain GeoTIFF of the same image (exact) and against GDAL's own COG
 * driver (exact).
 */
class CogWriterTest {
    @TempDir
    Path dir;

    @BeforeEach
    void gdal() {
        Gdal.assumeInstalled();
    }

    record Case(DataType type, int width, int height, int bands, int tileSize, Compression compression,
                Predictor predictor, Double nodata, GeoTransform geoTransform, int epsg, boolean projected,
                Resampling resampling, boolean bigTiff, boolean alpha) {
        CogLayout layout() {
            return new CogLayout(width, height, bands, type, tileSize, compression, predictor,
                    nodata == null ? OptionalDouble.empty() : OptionalDouble.of(nodata), geoTransform,
                    epsg == 0 ? null : GeoKeyDirectory.forEpsg(epsg, projected), alpha);
        }
    }

    private static final GeoTransform UTM = new GeoTransform(500_000, 10, 0, 5_300_000, 0, -10);
    private static final GeoTransform LONLAT = new GeoTransform(8.0, 0.001, 0, 47.5, 0, -0.001);

    @Test
    void aThreeBandUint8CogOf1300x900In256TilesWithDeflateMatchesGdalAtEveryLevel() throws Exception {
        check(new Case(DataType.UINT8, 1300, 900, 3, 256, Compression.DEFLATE, Predictor.HORIZONTAL, null, UTM,
                32633, true, Resampling.AVERAGE, false, false));
    }

    @Test
    void aFloat32CogWithZstdPredictor3AndNodataHolesInEpsg4326MatchesGdal() throws Exception {
        check(new Case(DataType.FLOAT32, 1300, 900, 1, 256, Compression.ZSTD, Predictor.FLOATING_POINT, -9999.0,
                LONLAT, 4326, false, Resampling.AVERAGE, false, false));
    }

    @Test
    void aTwoBandInt16CogWithLzwAndPredictor2MatchesGdaladdoNearest() throws Exception {
        check(new Case(DataType.INT16, 1000, 700, 2, 256, Compression.LZW, Predictor.HORIZONTAL, null, UTM,
                32633, true, Resampling.NEAREST, false, false));
    }

    @Test
    void aForcedBigTiffFourBandUint16CogWithNodataValidatesAndMatchesGdal() throws Exception {
        check(new Case(DataType.UINT16, 700, 600, 4, 256, Compression.NONE, Predictor.NONE, 0.0, UTM,
                32633, true, Resampling.AVERAGE, true, false));
    }

    @Test
    void aFloat64CogWithDeflatePredictor3AveragesInFloat32LikeGdal() throws Exception {
        check(new Case(DataType.FLOAT64, 900, 1300, 1, 512, Compression.DEFLATE, Predictor.FLOATING_POINT, null,
                LONLAT, 4326, false, Resampling.AVERAGE, false, false));
    }

    @Test
    void anInt32CogWithLzwAndNodataAveragesLikeGdal() throws Exception {
        check(new Case(DataType.INT32, 1100, 520, 1, 256, Compression.LZW, Predictor.NONE, -1.0, UTM,
                32633, true, Resampling.AVERAGE, false, false));
    }

    @Test
    void aUint32CogWithZstdAndPredictor2MatchesGdaladdoNearest() throws Exception {
        check(new Case(DataType.UINT32, 600, 1030, 2, 256, Compression.ZSTD, Predictor.HORIZONTAL, null, UTM,
                32633, true, Resampling.NEAREST, false, false));
    }

    @Test
    void aFourBandUint8CogWithAlphaIsRgbaToGdal() throws Exception {
        Case c = new Case(DataType.UINT8, 520, 300, 4, 256, Compression.DEFLATE, Predictor.NONE, null, UTM,
                32633, true, Resampling.AVERAGE, false, true);
        check(c);
        JsonNode bands = GdalOracle.info(dir.resolve("out.tif")).get("bands");
        List<String> interpretation = new ArrayList<>();
        bands.forEach(b -> interpretation.add(b.get("colorInterpretation").asText()));
        assertThat(interpretation).containsExactly("Red", "Green", "Blue", "Alpha");
    }

    @Test
    void aRotatedGeoTransformIsWrittenAsModelTransformationAndReadBackByGdal() throws Exception {
        GeoTransform rotated = new GeoTransform(500_000, 8.660254, -5, 5_300_000, -5, -8.660254);
        check(new Case(DataType.UINT8, 600, 400, 1, 256, Compression.DEFLATE, Predictor.HORIZONTAL, null, rotated,
                32633, true, Resampling.NEAREST, false, false));
    }

    @Test
    void aFileThatWouldPassTheClassicTiffLimitBecomesBigTiffByItself() throws Exception {
        CogLayout layout = new Case(DataType.UINT8, 600, 400, 1, 256, Compression.DEFLATE, Predictor.NONE, null,
                UTM, 32633, true, Resampling.AVERAGE, false, false).layout();
        PixelBuffer image = TestRasters.image(DataType.UINT8, 600, 400, 1, 9, null);
        InMemoryTileStore store = TestRasters.stage(layout, image, Resampling.AVERAGE);
        Path small = dir.resolve("small-limit.tif");
        CogWriter.write(small, layout, store, 10_000L);
        assertThat(Files.readAllBytes(small)[2]).isEqualTo((byte) 43);
        assertThat(GdalOracle.validate(small)).contains("is a valid cloud optimized GeoTIFF");
        Path roomy = dir.resolve("roomy-limit.tif");
        CogWriter.write(roomy, layout, store, CogWriter.CLASSIC_LIMIT);
        assertThat(Files.readAllBytes(roomy)[2]).isEqualTo((byte) 42);
        assertThat(GdalOracle.firstDifference(image, GdalOracle.read(small, -1, DataType.UINT8, dir), 0)).isNull();
    }

    @Test
    void aPixelIsPointRasterKeepsGdalsGeoTransformAndSaysPoint() throws Exception {
        java.util.Map<Integer, Object> keys = new java.util.LinkedHashMap<>(GeoKeyDirectory.forEpsg(32633, true).keys());
        keys.put(GeoKeyDirectory.RASTER_TYPE, GeoKeyDirectory.PIXEL_IS_POINT);
        keys.put(GeoKeyDirectory.PROJ_CITATION, "WGS 84 / UTM zone 33N");
        CogLayout layout = new CogLayout(300, 200, 1, DataType.INT16, 256, Compression.ZSTD, Predictor.HORIZONTAL,
                OptionalDouble.of(-32768), UTM, new GeoKeyDirectory(keys), false);
        PixelBuffer image = TestRasters.image(DataType.INT16, 300, 200, 1, 4, -32768.0);
        Path cog = dir.resolve("point.tif");
        CogWriter.write(cog, layout, TestRasters.stage(layout, image, Resampling.NEAREST));
        assertThat(GdalOracle.validate(cog)).contains("is a valid cloud optimized GeoTIFF");
        JsonNode info = GdalOracle.info(cog);
        assertThat(info.get("metadata").get("").get("AREA_OR_POINT").asText()).isEqualTo("Point");
        for (int i = 0; i < 6; i++) {
            assertThat(info.get("geoTransform").get(i).asDouble()).isCloseTo(UTM.toArray()[i],
                    org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(info.get("coordinateSystem").get("wkt").asText()).endsWith("ID[\"EPSG\",32633]]");
        assertThat(GdalOracle.firstDifference(image, GdalOracle.read(cog, -1, DataType.INT16, dir), 0)).isNull();
    }

    private void check(Case c) throws Exception {
        CogLayout layout = c.layout();
        PixelBuffer image = TestRasters.image(c.type, c.width, c.height, c.bands, 42, c.nodata);
        InMemoryTileStore store = TestRasters.stage(layout, image, c.resampling);
        Path cog = dir.resolve("out.tif");
        CogWriter.write(cog, layout, store, c.bigTiff);

        assertThat(GdalOracle.validate(cog)).contains("is a valid cloud optimized GeoTIFF");
        byte[] head = Files.readAllBytes(cog);
        assertThat(head[2]).as("TIFF version byte: 42 classic, 43 BigTIFF").isEqualTo((byte) (c.bigTiff ? 43 : 42));

        JsonNode info = GdalOracle.info(cog);
        assertThat(info.get("size").get(0).asInt()).isEqualTo(c.width);
        assertThat(info.get("size").get(1).asInt()).isEqualTo(c.height);
        assertThat(info.get("bands")).hasSize(c.bands);
        List<String> overviewSizes = new ArrayList<>();
        for (JsonNode o : info.get("bands").get(0).get("overviews")) {
            overviewSizes.add(o.get("size").get(0).asInt() + "x" + o.get("size").get(1).asInt());
        }
        List<String> expectedSizes = new ArrayList<>();
        for (int level = 1; level <= layout.levels(); level++) {
            expectedSizes.add(layout.width(level) + "x" + layout.height(level));
        }
        assertThat(overviewSizes).isEqualTo(expectedSizes);
        for (JsonNode band : info.get("bands")) {
            assertThat(band.get("type").asText()).isEqualTo(gdalTypeName(c.type));
            assertThat(band.get("block").get(0).asInt()).isEqualTo(c.tileSize);
            if (c.nodata != null) {
                assertThat(band.get("noDataValue").asDouble()).isEqualTo(c.nodata);
            } else {
                assertThat(band.has("noDataValue")).isFalse();
            }
        }
        JsonNode structure = info.get("metadata").get("IMAGE_STRUCTURE");
        assertThat(structure.has("COMPRESSION") ? structure.get("COMPRESSION").asText() : "NONE")
                .isEqualTo(c.compression.name());
        assertThat(info.get("metadata").get("IMAGE_STRUCTURE").get("LAYOUT").asText()).isEqualTo("COG");
        if (c.geoTransform != null) {
            double[] gt = new double[6];
            for (int i = 0; i < 6; i++) {
                gt[i] = info.get("geoTransform").get(i).asDouble();
            }
            assertThat(gt).containsExactly(c.geoTransform.toArray(), org.assertj.core.data.Offset.offset(1e-9));
        }
        if (c.epsg != 0) {
            assertThat(info.get("coordinateSystem").get("wkt").asText()).endsWith("ID[\"EPSG\"," + c.epsg + "]]");
        }

        assertThat(GdalOracle.firstDifference(image, GdalOracle.read(cog, -1, c.type, dir), 0))
                .as("full resolution read back by GDAL").isNull();

        // gdaladdo on a plain GeoTIFF of the same image: same kernel, sizes rounded up (ours truncate)
        Path plain = GdalOracle.plainGeoTiff(dir, "plain", image, c.nodata);
        List<String> addo = new ArrayList<>(List.of("gdaladdo", "-q", "-r", c.resampling.name().toLowerCase(),
                plain.toString()));
        for (int level = 1; level <= layout.levels(); level++) {
            addo.add(Integer.toString(1 << level));
        }
        Gdal.run(addo.toArray(String[]::new));
        int compared = 0;
        for (int level = 1; level <= layout.levels(); level++) {
            PixelBuffer theirs = GdalOracle.read(plain, level - 1, c.type, dir);
            if (theirs.width() != layout.width(level) || theirs.height() != layout.height(level)) {
                break;
            }
            compared++;
            assertThat(GdalOracle.firstDifference(theirs, GdalOracle.read(cog, level - 1, c.type, dir), 0))
                    .as("overview level %d against gdaladdo -r %s", level, c.resampling).isNull();
        }
        assertThat(compared).as("levels comparable with gdaladdo").isGreaterThan(0);

        // GDAL's own COG driver: same sizes as ours at every level
        Path gdalCog = dir.resolve("gdal-cog.tif");
        List<String> translate = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "COG",
                "-co", "BLOCKSIZE=" + c.tileSize, "-co", "RESAMPLING=" + c.resampling.name()));
        if (c.nodata != null) {
            translate.addAll(List.of("-a_nodata", CogWriter.formatNodata(c.nodata)));
        }
        // from the raw image: the plain GeoTIFF now has gdaladdo's overviews, which the driver would reuse
        translate.addAll(List.of(plain.toString().replace(".tif", ".bin"), gdalCog.toString()));
        Gdal.run(translate.toArray(String[]::new));
        for (int level = 1; level <= layout.levels(); level++) {
            PixelBuffer theirs = GdalOracle.read(gdalCog, level - 1, c.type, dir);
            assertThat(GdalOracle.firstDifference(theirs, GdalOracle.read(cog, level - 1, c.type, dir), 0))
                    .as("overview level %d against GDAL's COG driver", level).isNull();
        }
    }

    private static String gdalTypeName(DataType t) {
        return switch (t) {
            case UINT8 -> "Byte";
            case INT8 -> "Int8";
            case UINT16 -> "UInt16";
            case INT16 -> "Int16";
            case UINT32 -> "UInt32";
            case INT32 -> "Int32";
            case FLOAT32 -> "Float32";
            case FLOAT64 -> "Float64";
        };
    }
}
