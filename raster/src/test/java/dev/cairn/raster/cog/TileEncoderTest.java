package dev.cairn.raster.cog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.testing.Gdal;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Single-tile COGs whose one tile is hard for a codec, read back by GDAL. */
class TileEncoderTest {
    @TempDir
    Path dir;

    private PixelBuffer readBackThroughGdal(CogLayout layout, TileEncoder encoder, PixelBuffer tile) throws Exception {
        Gdal.assumeInstalled();
        InMemoryTileStore store = new InMemoryTileStore();
        store.put(0, 0, 0, encoder.encode(tile));
        Path cog = dir.resolve("one.tif");
        CogWriter.write(cog, layout, store);
        assertThat(GdalOracle.validate(cog)).contains("is a valid cloud optimized GeoTIFF");
        return GdalOracle.read(cog, -1, layout.type(), dir);
    }

    private static CogLayout oneTile(DataType type, int bands, Compression c, Predictor p) {
        return new CogLayout(256, 256, bands, type, 256, c, p, OptionalDouble.empty(), null, null, false);
    }

    @Test
    void anLzwTileOfPureNoiseSpansSeveralCodeTablesAndDecodesLikeGdal() throws Exception {
        CogLayout layout = oneTile(DataType.UINT8, 3, Compression.LZW, Predictor.NONE);
        PixelBuffer tile = PixelBuffer.allocate(DataType.UINT8, 256, 256, 3);
        new Random(7).nextBytes((byte[]) tile.array());
        byte[] encoded = TileEncoder.forLayout(layout).encode(tile);
        assertThat(encoded.length).as("196 KiB of noise needs dozens of 4094-entry tables").isGreaterThan(150_000);
        assertThat(GdalOracle.firstDifference(tile, readBackThroughGdal(layout, TileEncoder.forLayout(layout), tile), 0))
                .isNull();
    }

    @Test
    void anLzwTileOfOneRepeatedValueBuildsLongStringsAndDecodesLikeGdal() throws Exception {
        CogLayout layout = oneTile(DataType.UINT16, 1, Compression.LZW, Predictor.HORIZONTAL);
        PixelBuffer tile = PixelBuffer.allocate(DataType.UINT16, 256, 256, 1);
        tile.fill(4242);
        assertThat(GdalOracle.firstDifference(tile, readBackThroughGdal(layout, TileEncoder.forLayout(layout), tile), 0))
                .isNull();
    }

    @Test
    void aPredictor3Float64TileWithSpecialValuesDecodesLikeGdal() throws Exception {
        CogLayout layout = oneTile(DataType.FLOAT64, 2, Compression.ZSTD, Predictor.FLOATING_POINT);
        PixelBuffer tile = PixelBuffer.allocate(DataType.FLOAT64, 256, 256, 2);
        Random r = new Random(3);
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, -0.0, Double.MIN_VALUE, -Double.MAX_VALUE, 1e300};
        for (int i = 0; i < tile.sampleCount(); i++) {
            tile.setAt(i, i % 97 == 0 ? specials[(i / 97) % specials.length] : r.nextGaussian() * 1e6);
        }
        assertThat(GdalOracle.firstDifference(tile, readBackThroughGdal(layout, TileEncoder.forLayout(layout), tile), 0))
                .isNull();
    }

    @Test
    void aHorizontalPredictorOnInt32WrapsAroundLikeLibtiff() throws Exception {
        CogLayout layout = oneTile(DataType.INT32, 1, Compression.DEFLATE, Predictor.HORIZONTAL);
        PixelBuffer tile = PixelBuffer.allocate(DataType.INT32, 256, 256, 1);
        for (int i = 0; i < tile.sampleCount(); i++) {
            tile.setAt(i, i % 2 == 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE);
        }
        assertThat(GdalOracle.firstDifference(tile, readBackThroughGdal(layout, TileEncoder.forLayout(layout), tile), 0))
                .isNull();
    }

    @Test
    void theDeflateLevelChangesTheSizeNotThePixels() throws Exception {
        CogLayout layout = oneTile(DataType.UINT8, 1, Compression.DEFLATE, Predictor.HORIZONTAL);
        PixelBuffer tile = TestRasters.image(DataType.UINT8, 256, 256, 1, 11, null);
        byte[] fast = TileEncoder.forLayout(layout.withDeflateLevel(1)).encode(tile);
        byte[] small = TileEncoder.forLayout(layout.withDeflateLevel(9)).encode(tile);
        assertThat(fast.length).isGreaterThan(small.length);
        assertThat(GdalOracle.firstDifference(tile,
                readBackThroughGdal(layout, TileEncoder.forLayout(layout.withDeflateLevel(1)), tile), 0)).isNull();
    }

    @Test
    void aTileOfTheWrongSizeIsRefusedWithBothSizesInTheMessage() {
        TileEncoder encoder = TileEncoder.forLayout(oneTile(DataType.UINT8, 1, Compression.NONE, Predictor.NONE));
        assertThatThrownBy(() -> encoder.encode(PixelBuffer.allocate(DataType.UINT8, 100, 256, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100x256x1 UINT8").hasMessageContaining("256x256x1 UINT8");
    }
}
