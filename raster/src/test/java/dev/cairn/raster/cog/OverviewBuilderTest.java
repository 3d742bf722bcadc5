package dev.cairn.raster.cog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import java.io.IOException;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How the builder reads the level below (which tiles, how often, from which thread, what an absent
 * one means) and that its parallel build writes the bytes of the serial one.
 */
class OverviewBuilderTest {

    /** Counts the reads of each tile and remembers which threads touched the store. */
    private static final class CountingStore implements TileStore {
        final InMemoryTileStore inner = new InMemoryTileStore();
        final Map<String, Integer> reads = new ConcurrentHashMap<>();
        final Map<String, Boolean> threads = new ConcurrentHashMap<>();

        @Override
        public byte[] get(int level, int tx, int ty) {
            threads.put(Thread.currentThread().getName(), true);
            reads.merge(level + "/" + tx + "/" + ty, 1, Integer::sum);
            return inner.get(level, tx, ty);
        }

        @Override
        public void put(int level, int tx, int ty, byte[] compressed) {
            threads.put(Thread.currentThread().getName(), true);
            inner.put(level, tx, ty, compressed);
        }

        @Override
        public int size(int level, int tx, int ty) {
            return inner.size(level, tx, ty);
        }

        int maxReads() {
            return reads.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        }
    }

    private static CogLayout layout(int width, int height, int bands, DataType type, Compression c, Double nodata) {
        return new CogLayout(width, height, bands, type, 64, c, Predictor.NONE,
                nodata == null ? OptionalDouble.empty() : OptionalDouble.of(nodata), null, null, false);
    }

    /** The level-0 tiles of a seeded image, cut, padded and encoded. */
    private static void stageLevel0(CogLayout layout, TileStore store, long seed, Double nodata) throws IOException {
        TileEncoder encoder = TileEncoder.forLayout(layout);
        PixelBuffer image = TestRasters.image(layout.type(), layout.width(), layout.height(), layout.bands(), seed, nodata);
        int t = layout.tileSize();
        for (int ty = 0; ty < layout.tilesDown(0); ty++) {
            for (int tx = 0; tx < layout.tilesAcross(0); tx++) {
                PixelBuffer tile = PixelBuffer.allocate(layout.type(), t, t, layout.bands());
                tile.fill(layout.padValue());
                tile.copyFrom(image, tx * t, ty * t, Math.min(t, layout.width() - tx * t),
                        Math.min(t, layout.height() - ty * t), 0, 0);
                store.put(0, tx, ty, encoder.encode(tile));
            }
        }
    }

    private static int tilesBelowTop(CogLayout layout) {
        int n = 0;
        for (int level = 0; level < layout.levels(); level++) {
            n += layout.tilesAcross(level) * layout.tilesDown(level);
        }
        return n;
    }

    private record Built(CountingStore store, int decodes) {
    }

    private static Built build(int width, int height) throws IOException {
        CogLayout layout = layout(width, height, 1, DataType.UINT8, Compression.NONE, null);
        CountingStore store = new CountingStore();
        stageLevel0(layout, store, 5, null);
        AtomicInteger decodes = new AtomicInteger();
        TestTileDecoder decoder = new TestTileDecoder(layout);
        store.threads.clear();
        OverviewBuilder.build(layout, store, bytes -> {
            decodes.incrementAndGet();
            return decoder.decode(bytes);
        }, TileEncoder.forLayout(layout), Resampling.AVERAGE);
        for (int level = 1; level <= layout.levels(); level++) {
            for (int ty = 0; ty < layout.tilesDown(level); ty++) {
                for (int tx = 0; tx < layout.tilesAcross(level); tx++) {
                    assertThat(store.size(level, tx, ty)).as("tile %d/%d/%d", level, tx, ty).isPositive();
                }
            }
        }
        return new Built(store, decodes.get());
    }

    @Test
    void evenSizedLevelsReadAndDecodeEveryTileBelowExactlyOnce() throws IOException {
        Built b = build(1024, 512);
        int below = tilesBelowTop(layout(1024, 512, 1, DataType.UINT8, Compression.NONE, null));
        assertThat(b.store.reads).hasSize(below);
        assertThat(b.store.maxReads()).isEqualTo(1);
        assertThat(b.decodes).isEqualTo(below);
    }

    @Test
    void aLevelBelowWithOddSizesSharesItsEdgeTilesWithinARowAndRereadsThemOnlyForTheNextRow() throws IOException {
        // 1300 -> 650 -> 325 -> 162: GDAL's ratio 325/162 makes destination tiles reach one pixel
        // into the next source tile column and row; the column is shared, the row read again
        Built b = build(1300, 900);
        assertThat(b.store.maxReads()).isEqualTo(2);
        assertThat(b.store.reads.get("2/2/2")).isEqualTo(2);
        assertThat(b.store.reads.get("2/2/0")).as("a shared column, same output row").isEqualTo(1);
        assertThat(b.store.reads.get("1/0/0")).as("even level below").isEqualTo(1);
        assertThat(b.decodes).isEqualTo(b.store.reads.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void onlyTheCallingThreadTouchesTheStore() throws IOException {
        assertThat(build(1300, 900).store.threads).containsOnlyKeys(Thread.currentThread().getName());
    }

    @Test
    void tilesAreDecodedOnSeveralPoolThreadsAtOnce() throws IOException {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two cores");
        CogLayout layout = layout(1024, 512, 1, DataType.UINT8, Compression.NONE, null);
        InMemoryTileStore store = new InMemoryTileStore();
        stageLevel0(layout, store, 5, null);
        TestTileDecoder decoder = new TestTileDecoder(layout);
        AtomicInteger running = new AtomicInteger(), most = new AtomicInteger();
        OverviewBuilder.build(layout, store, bytes -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(5); // long enough for the other pool threads to start theirs
                return decoder.decode(bytes);
            } catch (InterruptedException e) {
                throw new IOException(e);
            } finally {
                running.decrementAndGet();
            }
        }, TileEncoder.forLayout(layout), Resampling.AVERAGE);
        assertThat(most.get()).isGreaterThanOrEqualTo(2);
    }

    /** Every tile of every level of two stores, byte for byte. */
    private static void assertSameTiles(CogLayout layout, InMemoryTileStore expected, InMemoryTileStore actual) {
        assertThat(actual.count()).isEqualTo(expected.count());
        for (int level = 0; level <= layout.levels(); level++) {
            for (int ty = 0; ty < layout.tilesDown(level); ty++) {
                for (int tx = 0; tx < layout.tilesAcross(level); tx++) {
                    assertThat(actual.get(level, tx, ty)).as("tile %d/%d/%d", level, tx, ty)
                            .isEqualTo(expected.get(level, tx, ty));
                }
            }
        }
    }

    private static void parallelEqualsSerial(CogLayout layout, Double nodata, Resampling r) throws IOException {
        InMemoryTileStore parallel = new InMemoryTileStore();
        InMemoryTileStore serial = new InMemoryTileStore();
        stageLevel0(layout, parallel, 17, nodata);
        stageLevel0(layout, serial, 17, nodata);
        TileDecoder decoder = new TestTileDecoder(layout);
        TileEncoder encoder = TileEncoder.forLayout(layout);
        OverviewBuilder.build(layout, parallel, decoder, encoder, r);
        SerialOverviewBuilder.build(layout, serial, decoder, encoder, r);
        assertThat(layout.levels()).isGreaterThanOrEqualTo(4);
        assertSameTiles(layout, serial, parallel);
    }

    @Test
    void theParallelBuildOfAnOddSizedRgbImageEqualsTheSerialOneByteForByte() throws IOException {
        // 1027 x 771: odd from level 0 on, so every level takes GDAL's weighted 3-pixel path somewhere
        parallelEqualsSerial(layout(1027, 771, 3, DataType.UINT8, Compression.DEFLATE, null), null, Resampling.AVERAGE);
    }

    @Test
    void theParallelBuildOfAnEvenSizedRgbImageEqualsTheSerialPerPixelKernelByteForByte() throws IOException {
        // 1024 x 768 -> 512 x 384 -> ... -> 64 x 48: the specialised uint8 halving loop at every level
        parallelEqualsSerial(layout(1024, 768, 3, DataType.UINT8, Compression.DEFLATE, null), null, Resampling.AVERAGE);
    }

    @Test
    void theParallelBuildOfAnOddSizedFloatImageWithNodataEqualsTheSerialOne() throws IOException {
        parallelEqualsSerial(layout(1027, 771, 2, DataType.FLOAT32, Compression.ZSTD, -9999.0), -9999.0,
                Resampling.AVERAGE);
    }

    @Test
    void theParallelNearestBuildOfAnOddSizedInt16ImageEqualsTheSerialOne() throws IOException {
        parallelEqualsSerial(layout(1027, 771, 1, DataType.INT16, Compression.LZW, null), null, Resampling.NEAREST);
    }

    @Test
    void theLayoutsDeflateLevelCompressesEveryOverviewTile() throws IOException {
        for (int level : new int[] {1, 9}) {
            CogLayout layout = layout(700, 500, 3, DataType.UINT8, Compression.DEFLATE, null).withDeflateLevel(level);
            InMemoryTileStore store = new InMemoryTileStore();
            stageLevel0(layout, store, 3, null);
            OverviewBuilder.build(layout, store, new TestTileDecoder(layout), TileEncoder.forLayout(layout),
                    Resampling.AVERAGE);
            // zlib header FLG bits 6-7 (FLEVEL): 0 = fastest (level 1), 3 = maximum (7..9)
            int flevel = level == 1 ? 0 : 3;
            for (int l = 1; l <= layout.levels(); l++) {
                for (int ty = 0; ty < layout.tilesDown(l); ty++) {
                    for (int tx = 0; tx < layout.tilesAcross(l); tx++) {
                        assertThat((store.get(l, tx, ty)[1] & 0xFF) >>> 6).as("tile %d/%d/%d at level %d", l, tx, ty, level)
                                .isEqualTo(flevel);
                    }
                }
            }
        }
    }

    @Test
    void aTileThatDecodesToTheWrongSizeFailsTheBuildNamingIt() throws IOException {
        CogLayout layout = layout(300, 200, 1, DataType.UINT8, Compression.NONE, null);
        InMemoryTileStore store = new InMemoryTileStore();
        stageLevel0(layout, store, 1, null);
        assertThatThrownBy(() -> OverviewBuilder.build(layout, store,
                bytes -> PixelBuffer.allocate(DataType.UINT8, 32, 64, 1), TileEncoder.forLayout(layout), Resampling.AVERAGE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("tile 0/0/0 decoded to 32x64x1 UINT8, the layout says 64x64x1 UINT8");
    }

    @Test
    void aStoreThatCannotWriteFailsTheBuildWithItsOwnException() throws IOException {
        CogLayout layout = layout(300, 200, 1, DataType.UINT8, Compression.NONE, null);
        InMemoryTileStore inner = new InMemoryTileStore();
        stageLevel0(layout, inner, 1, null);
        TileStore full = new TileStore() {
            @Override
            public byte[] get(int level, int tx, int ty) {
                return inner.get(level, tx, ty);
            }

            @Override
            public void put(int level, int tx, int ty, byte[] compressed) throws IOException {
                throw new IOException("disk full writing tile " + level + "/" + tx + "/" + ty);
            }

            @Override
            public int size(int level, int tx, int ty) {
                return inner.size(level, tx, ty);
            }
        };
        assertThatThrownBy(() -> OverviewBuilder.build(layout, full, new TestTileDecoder(layout),
                TileEncoder.forLayout(layout), Resampling.AVERAGE))
                .isInstanceOf(IOException.class).hasMessage("disk full writing tile 1/0/0");
    }
}
