package dev.cairn.raster.cog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoKeyDirectory;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.testing.Gdal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stores the writer reads, and what the writer does with absent or changing tiles. */
class TileStoreTest {
    @TempDir
    Path dir;

    private static final CogLayout LAYOUT = new CogLayout(700, 500, 1, DataType.INT16, 256, Compression.DEFLATE,
            Predictor.HORIZONTAL, OptionalDouble.of(-999), new GeoTransform(0, 1, 0, 0, 0, -1),
            GeoKeyDirectory.forEpsg(32633, true), false);

    @Test
    void aFileTileStoreGivesBackWhatWasPutAndItsLastReplacement() throws Exception {
        try (FileTileStore store = new FileTileStore(dir.resolve("scratch"))) {
            store.put(1, 2, 3, new byte[] {1, 2, 3});
            store.put(0, 0, 0, new byte[] {9});
            store.put(1, 2, 3, new byte[] {4, 5});
            assertThat(store.get(1, 2, 3)).containsExactly(4, 5);
            assertThat(store.size(1, 2, 3)).isEqualTo(2);
            assertThat(store.get(0, 0, 0)).containsExactly(9);
            assertThat(store.get(0, 0, 1)).isNull();
            assertThat(store.size(0, 0, 1)).isEqualTo(-1);
        }
        assertThat(dir.resolve("scratch")).doesNotExist();
    }

    @Test
    void aCogFromAFileTileStoreIsByteIdenticalToOneFromMemory() throws Exception {
        InMemoryTileStore memory = TestRasters.stage(LAYOUT, TestRasters.image(DataType.INT16, 700, 500, 1, 1, -999.0),
                Resampling.AVERAGE);
        try (FileTileStore file = new FileTileStore(dir.resolve("scratch"))) {
            for (int level = 0; level <= LAYOUT.levels(); level++) {
                for (int ty = 0; ty < LAYOUT.tilesDown(level); ty++) {
                    for (int tx = 0; tx < LAYOUT.tilesAcross(level); tx++) {
                        file.put(level, tx, ty, memory.get(level, tx, ty));
                    }
                }
            }
            CogWriter.write(dir.resolve("a.tif"), LAYOUT, memory);
            CogWriter.write(dir.resolve("b.tif"), LAYOUT, file);
        }
        assertThat(Files.readAllBytes(dir.resolve("b.tif"))).isEqualTo(Files.readAllBytes(dir.resolve("a.tif")));
    }

    @Test
    void anAbsentTileIsWrittenSparseAndGdalReadsItAsNodata() throws Exception {
        Gdal.assumeInstalled();
        PixelBuffer image = TestRasters.image(DataType.INT16, 700, 500, 1, 1, null);
        InMemoryTileStore staged = TestRasters.stage(LAYOUT, image, Resampling.NEAREST);
        InMemoryTileStore holed = new InMemoryTileStore();
        for (int level = 0; level <= LAYOUT.levels(); level++) {
            for (int ty = 0; ty < LAYOUT.tilesDown(level); ty++) {
                for (int tx = 0; tx < LAYOUT.tilesAcross(level); tx++) {
                    if (!(level == 0 && tx == 1 && ty == 1)) {
                        holed.put(level, tx, ty, staged.get(level, tx, ty));
                    }
                }
            }
        }
        Path cog = dir.resolve("sparse.tif");
        CogWriter.write(cog, LAYOUT, holed);
        assertThat(GdalOracle.validate(cog)).contains("is a valid cloud optimized GeoTIFF");
        PixelBuffer read = GdalOracle.read(cog, -1, DataType.INT16, dir);
        for (int y = 0; y < 500; y++) {
            for (int x = 0; x < 700; x++) {
                boolean hole = x >= 256 && x < 512 && y >= 256;
                assertThat(read.get(x, y, 0)).as("pixel %d,%d", x, y).isEqualTo(hole ? -999 : image.get(x, y, 0));
            }
        }
    }

    @Test
    void aTileThatChangesBetweenTheTwoPassesAbortsTheWriteNamingTheTile() throws Exception {
        InMemoryTileStore staged = TestRasters.stage(LAYOUT, TestRasters.image(DataType.INT16, 700, 500, 1, 1, null),
                Resampling.NEAREST);
        TileStore shifty = new TileStore() {
            @Override
            public byte[] get(int level, int tx, int ty) {
                byte[] b = staged.get(level, tx, ty);
                return level == 0 && tx == 2 && ty == 1 ? java.util.Arrays.copyOf(b, b.length + 1) : b;
            }

            @Override
            public void put(int level, int tx, int ty, byte[] compressed) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int size(int level, int tx, int ty) {
                return staged.size(level, tx, ty);
            }
        };
        Path target = dir.resolve("changed.tif");
        assertThatThrownBy(() -> CogWriter.write(target, LAYOUT, shifty))
                .isInstanceOf(TileStoreChangedException.class)
                .hasMessageContaining(target.toString()).hasMessageContaining("tile 0/2/1")
                .hasMessageContaining("bytes now");
    }
}
