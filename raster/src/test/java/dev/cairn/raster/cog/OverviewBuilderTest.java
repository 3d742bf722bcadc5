package dev.cairn.raster.cog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import java.io.IOException;
import java.util.HashSet;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the builder reads the level below: which tiles, and what an absent one means. */
class OverviewBuilderTest {

    /** Counts the level-(L-1) tiles fetched while each level-L tile is built. */
    private static final class CountingStore implements TileStore {
        final InMemoryTileStore inner = new InMemoryTileStore();
        final Set<String> readSinceLastPut = new HashSet<>();
        int maxReadsPerTile;

        @Override
        public byte[] get(int level, int tx, int ty) {
            readSinceLastPut.add(level + "/" + tx + "/" + ty);
            return inner.get(level, tx, ty);
        }

        @Override
        public void put(int level, int tx, int ty, byte[] compressed) {
            if (level > 0) {
                maxReadsPerTile = Math.max(maxReadsPerTile, readSinceLastPut.size());
            }
            readSinceLastPut.clear();
            inner.put(level, tx, ty, compressed);
        }

        @Override
        public int size(int level, int tx, int ty) {
            return inner.size(level, tx, ty);
        }
    }

    private static CountingStore build(int width, int height) throws IOException {
        CogLayout layout = new CogLayout(width, height, 1, DataType.UINT8, 64, Compression.NONE, Predictor.NONE,
                OptionalDouble.empty(), null, null, false);
        CountingStore store = new CountingStore();
        TileEncoder encoder = TileEncoder.forLayout(layout);
        PixelBuffer image = TestRasters.image(DataType.UINT8, width, height, 1, 5, null);
        for (int ty = 0; ty < layout.tilesDown(0); ty++) {
            for (int tx = 0; tx < layout.tilesAcross(0); tx++) {
                PixelBuffer tile = PixelBuffer.allocate(DataType.UINT8, 64, 64, 1);
                tile.copyFrom(image, tx * 64, ty * 64, Math.min(64, width - tx * 64), Math.min(64, height - ty * 64), 0, 0);
                store.put(0, tx, ty, encoder.encode(tile));
            }
        }
        OverviewBuilder.build(layout, store, new TestTileDecoder(layout), encoder, Resampling.AVERAGE);
        for (int level = 1; level <= layout.levels(); level++) {
            for (int ty = 0; ty < layout.tilesDown(level); ty++) {
                for (int tx = 0; tx < layout.tilesAcross(level); tx++) {
                    assertThat(store.size(level, tx, ty)).as("tile %d/%d/%d", level, tx, ty).isPositive();
                }
            }
        }
        return store;
    }

    @Test
    void evenSizedLevelsAreBuiltFromAtMostFourTilesBelow() throws IOException {
        assertThat(build(1024, 512).maxReadsPerTile).isEqualTo(4);
    }

    @Test
    void aLevelBelowWithOddSizesReachesOnePixelIntoTheNextTilesButNoFurther() throws IOException {
        // 1300 -> 650 -> 325 -> 162: GDAL's ratio 325/162 makes destination tiles straddle source tiles
        assertThat(build(1300, 900).maxReadsPerTile).isBetween(5, 9);
    }
}
