package dev.cairn.raster.tiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.testing.Gdal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IFD chains (overviews, masks), JPEG, the block cache bound, concurrent reads and the public TileDecoder. */
class GeoTiffReaderStructureTest {
    @TempDir
    Path dir;

    @BeforeEach
    void gdal() {
        Gdal.assumeInstalled();
    }

    @Test
    void aCogListsItsOverviewsAndMaskAndEachDecodesLikeGdal() throws Exception {
        Path src = Rasters.envi(dir, "in", DataType.UINT16, 700, 500, 2, 7);
        Path tif = dir.resolve("masked.tif");
        Gdal.run("gdal_translate", "-q", "-of", "GTiff", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-a_nodata", "0",
                src.toString(), tif.toString());
        Path cog = dir.resolve("cog.tif");
        Gdal.run("gdal_translate", "-q", "-of", "COG", "-co", "COMPRESS=ZSTD", "-co", "PREDICTOR=2", "-co", "BLOCKSIZE=128",
                "-co", "OVERVIEW_RESAMPLING=AVERAGE", tif.toString(), cog.toString());
        Path masked = dir.resolve("withmask.tif");
        Gdal.run("gdal_translate", "-q", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-a_nodata", "none", "-mask", "1",
                "--config", "GDAL_TIFF_INTERNAL_MASK", "YES", tif.toString(), masked.toString());

        try (GeoTiffReader r = LocalFileSource.open(cog)) {
            assertThat(r.image().index()).isZero();
            assertThat(r.image().width()).isEqualTo(700);
            List<TiffImage> ovr = r.overviews();
            String info = Gdal.run("gdalinfo", "-json", cog.toString());
            var sizes = java.util.regex.Pattern.compile("\"size\":\\s*\\[\\s*(\\d+),").matcher(
                    info.substring(info.indexOf("\"overviews\""), info.indexOf("\"metadata\"", info.indexOf("\"overviews\""))));
            List<Integer> gdalWidths = new ArrayList<>();
            while (sizes.find()) {
                gdalWidths.add(Integer.parseInt(sizes.group(1)));
            }
            assertThat(ovr).extracting(TiffImage::width).containsExactlyElementsOf(gdalWidths)
                    .startsWith(350, 175);
            assertThat(ovr).allMatch(TiffImage::isReducedResolution);
            for (int level = 0; level < ovr.size(); level++) {
                TiffImage o = ovr.get(level);
                Path ref = dir.resolve("ovr" + level + ".tif");
                Gdal.run("gdal_translate", "-q", "-oo", "OVERVIEW_LEVEL=" + level, cog.toString(), ref.toString());
                PixelBuffer expected = Rasters.gdalDecode(ref, DataType.UINT16, o.width(), o.height(), 2);
                GeoTiffReaderMatrixTest.assertSame(o.readWindow(0, 0, o.width(), o.height()), expected, 0, 0);
            }
        }
        try (GeoTiffReader r = LocalFileSource.open(masked)) {
            TiffImage mask = r.images().stream().filter(TiffImage::isMask).findFirst().orElseThrow();
            assertThat(r.image().isMask()).isFalse();
            Path ref = dir.resolve("mask.tif");
            Gdal.run("gdal_translate", "-q", "-b", "mask", masked.toString(), ref.toString());
            PixelBuffer expected = Rasters.gdalDecode(ref, DataType.UINT8, 700, 500, 1);
            GeoTiffReaderMatrixTest.assertSame(mask.readWindow(0, 0, 700, 500), expected, 0, 0);
        }
    }

    @Test
    void jpegYcbcrAndGreyTilesDecodeWithinTwoGreyLevelsOfGdal() throws Exception {
        Path rgb = Rasters.envi(dir, "rgb", DataType.UINT8, 300, 200, 3, 3);
        Path grey = Rasters.envi(dir, "grey", DataType.UINT8, 300, 200, 1, 4);
        record Jpeg(Path src, int bands, String... co) {
        }
        List<Jpeg> cases = List.of(
                new Jpeg(rgb, 3, "-co", "PHOTOMETRIC=YCBCR", "-co", "TILED=YES"),
                new Jpeg(rgb, 3, "-co", "PHOTOMETRIC=YCBCR", "-co", "BLOCKYSIZE=16"),
                new Jpeg(rgb, 3, "-co", "TILED=YES"),
                new Jpeg(grey, 1, "-co", "TILED=YES", "-co", "JPEG_QUALITY=90"));
        for (Jpeg c : cases) {
            Path tif = dir.resolve("jpeg.tif");
            Files.deleteIfExists(tif);
            List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q", "-co", "COMPRESS=JPEG"));
            cmd.addAll(List.of(c.co));
            cmd.addAll(List.of(c.src.toString(), tif.toString()));
            Gdal.run(cmd.toArray(String[]::new));
            PixelBuffer expected = Rasters.gdalDecode(tif, DataType.UINT8, 300, 200, c.bands);
            try (GeoTiffReader r = LocalFileSource.open(tif)) {
                assertThat(r.image().compressionName()).isEqualTo("JPEG");
                PixelBuffer got = r.image().readWindow(0, 0, 300, 200);
                double maxDiff = 0, sum = 0;
                for (int i = 0; i < got.sampleCount(); i++) {
                    double d = Math.abs(got.getAt(i) - expected.getAt(i));
                    maxDiff = Math.max(maxDiff, d);
                    sum += d;
                }
                assertThat(maxDiff).as("largest difference for %s", List.of(c.co)).isLessThanOrEqualTo(2);
                assertThat(sum / got.sampleCount()).as("mean difference for %s", List.of(c.co)).isLessThan(0.5);
            }
        }
    }

    @Test
    void readingAWholeImageWindowByWindowKeepsTheCacheWithinItsBound() throws Exception {
        Path src = Rasters.envi(dir, "big", DataType.FLOAT32, 2000, 2000, 1, 11);
        Path tif = dir.resolve("big.tif");
        Gdal.run("gdal_translate", "-q", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3", src.toString(),
                tif.toString());
        PixelBuffer expected = Rasters.gdalDecode(tif, DataType.FLOAT32, 2000, 2000, 1);
        long bound = 1 << 20; // four 256x256 float tiles
        try (GeoTiffReader r = GeoTiffReader.open(new LocalFileSource(tif), bound)) {
            TiffImage img = r.image();
            long peak = 0;
            for (int y = 0; y < 2000; y += 300) {
                for (int x = 0; x < 2000; x += 300) {
                    int w = Math.min(300, 2000 - x), h = Math.min(300, 2000 - y);
                    GeoTiffReaderMatrixTest.assertSame(img.readWindow(x, y, w, h), expected, x, y);
                    peak = Math.max(peak, r.cachedBytes());
                }
            }
            assertThat(peak).isPositive().isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void fourThreadsReadingWindowsOfOneImageGetGdalsPixels() throws Exception {
        Path src = Rasters.envi(dir, "mt", DataType.INT16, 900, 700, 2, 5);
        Path tif = dir.resolve("mt.tif");
        Gdal.run("gdal_translate", "-q", "-co", "TILED=YES", "-co", "BLOCKXSIZE=64", "-co", "BLOCKYSIZE=64", "-co",
                "COMPRESS=LZW", "-co", "PREDICTOR=2", src.toString(), tif.toString());
        PixelBuffer expected = Rasters.gdalDecode(tif, DataType.INT16, 900, 700, 2);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (GeoTiffReader r = GeoTiffReader.open(new LocalFileSource(tif), 256 << 10)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                fs.add(pool.submit(() -> {
                    java.util.Random rnd = new java.util.Random(seed);
                    for (int i = 0; i < 40; i++) {
                        int x = rnd.nextInt(800), y = rnd.nextInt(600);
                        GeoTiffReaderMatrixTest.assertSame(r.image().readWindow(x, y, 100, 100), expected, x, y);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void blocksASparseFileLeavesOutReadAsNodataLikeGdal() throws Exception {
        Path sparse = dir.resolve("sparse.tif");
        Gdal.run("gdal_create", "-of", "GTiff", "-outsize", "300", "300", "-bands", "1", "-ot", "Int16", "-a_nodata", "-5",
                "-co", "SPARSE_OK=TRUE", "-co", "TILED=YES", "-co", "BLOCKXSIZE=128", "-co", "BLOCKYSIZE=128", "-co",
                "COMPRESS=DEFLATE", sparse.toString());
        // no block is written: every TileOffsets/TileByteCounts entry is 0
        PixelBuffer expected = Rasters.gdalDecode(sparse, DataType.INT16, 300, 300, 1);
        try (GeoTiffReader r = LocalFileSource.open(sparse)) {
            assertThat(r.image().nodata()).hasValue(-5);
            PixelBuffer got = r.image().readWindow(0, 0, 300, 300);
            GeoTiffReaderMatrixTest.assertSame(got, expected, 0, 0);
            assertThat(got.get(299, 299, 0)).isEqualTo(-5);
        }
    }

    @Test
    void tileDecoderDecodesAStoredTileLikeTheReader() throws Exception {
        Path src = Rasters.envi(dir, "td", DataType.FLOAT64, 128, 64, 2, 9);
        for (String order : List.of("LITTLE", "BIG")) {
            Path tif = dir.resolve("td-" + order + ".tif");
            Gdal.run("gdal_translate", "-q", "-co", "TILED=YES", "-co", "BLOCKXSIZE=128", "-co", "BLOCKYSIZE=64", "-co",
                    "COMPRESS=ZSTD", "-co", "PREDICTOR=3", "-co", "ENDIANNESS=" + order, src.toString(), tif.toString());
            LocalFileSource s = new LocalFileSource(tif);
            TiffDirectory.Header h = TiffDirectory.readHeader(s);
            TiffDirectory d = TiffDirectory.readChain(s, h).get(0);
            ByteBuffer b = s.read(d.longs(TiffDirectory.TILE_OFFSETS)[0], (int) d.longs(TiffDirectory.TILE_BYTE_COUNTS)[0]);
            byte[] compressed = new byte[b.remaining()];
            b.get(compressed);
            PixelBuffer tile = TileDecoder.decode(compressed, TileDecoder.ZSTD, 3, DataType.FLOAT64, 128, 64, 2,
                    "BIG".equals(order) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            PixelBuffer expected = Rasters.gdalDecode(tif, DataType.FLOAT64, 128, 64, 2);
            GeoTiffReaderMatrixTest.assertSame(tile, expected, 0, 0);
            s.close();
        }
    }
}
