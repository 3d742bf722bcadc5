package dev.cairn.raster.tiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.testing.Gdal;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The read matrix, each file written by GDAL at test time and compared sample for sample with
 * GDAL's own decode of it: compression × predictor × type × tiles/strips × BigTIFF × byte order ×
 * planar configuration. Images are 301×203 with 3 bands, so edge tiles are padded and the last
 * strip is short.
 */
class GeoTiffReaderMatrixTest {
    static final int W = 301, H = 203, BANDS = 3;

    @TempDir
    Path dir;

    @BeforeEach
    void gdal() {
        Gdal.assumeInstalled();
    }

    record Case(DataType type, String compress, int predictor, boolean tiled, boolean big, boolean bigEndian,
            boolean planar) {
        @Override
        public String toString() {
            return type + " " + compress + " predictor " + predictor + (tiled ? " tiled" : " striped")
                    + (big ? " BigTIFF" : "") + (bigEndian ? " big-endian" : " little-endian")
                    + (planar ? " planar" : "");
        }
    }

    static Stream<Arguments> matrix() {
        List<Case> cases = new ArrayList<>();
        String[] compressions = {"NONE", "LZW", "DEFLATE", "PACKBITS", "ZSTD"};
        int n = 0;
        for (DataType t : DataType.values()) {
            for (String c : compressions) {
                boolean predictable = c.equals("LZW") || c.equals("DEFLATE") || c.equals("ZSTD");
                List<Integer> predictors = new ArrayList<>(List.of(1));
                if (predictable) {
                    predictors.add(2);
                    if (t.isFloatingPoint()) {
                        predictors.add(3);
                    }
                }
                for (int p : predictors) {
                    // rotate the layout axes so that each appears with every type and compression
                    int k = n++;
                    cases.add(new Case(t, c, p, k % 2 == 0, k % 3 == 0, (k / 2) % 2 == 0, k % 5 == 1));
                }
            }
        }
        // predictor 3 in both byte orders, tiled and striped, float32 and float64: the trap
        for (DataType t : List.of(DataType.FLOAT32, DataType.FLOAT64)) {
            for (boolean be : List.of(false, true)) {
                for (boolean tiled : List.of(false, true)) {
                    cases.add(new Case(t, "DEFLATE", 3, tiled, false, be, false));
                }
            }
            cases.add(new Case(t, "ZSTD", 3, true, true, true, true));
        }
        // predictor 2 on every integer width in both byte orders
        for (DataType t : List.of(DataType.UINT16, DataType.INT16, DataType.UINT32, DataType.INT32, DataType.FLOAT64)) {
            for (boolean be : List.of(false, true)) {
                cases.add(new Case(t, "LZW", 2, true, false, be, false));
            }
        }
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void everyLayoutDecodesLikeGdal(Case c) throws Exception {
        Path src = Rasters.envi(dir, "in", c.type, W, H, BANDS, 42);
        Path tif = dir.resolve("out.tif");
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "GTiff", "-co", "COMPRESS=" + c.compress));
        if (c.predictor != 1) {
            cmd.addAll(List.of("-co", "PREDICTOR=" + c.predictor));
        }
        if (c.tiled) {
            cmd.addAll(List.of("-co", "TILED=YES", "-co", "BLOCKXSIZE=64", "-co", "BLOCKYSIZE=48"));
        } else {
            cmd.addAll(List.of("-co", "BLOCKYSIZE=37"));
        }
        cmd.addAll(List.of("-co", "BIGTIFF=" + (c.big ? "YES" : "NO"), "-co", "ENDIANNESS=" + (c.bigEndian ? "BIG" : "LITTLE"),
                "-co", "INTERLEAVE=" + (c.planar ? "BAND" : "PIXEL")));
        if (c.type == DataType.INT8) {
            cmd.addAll(List.of("-co", "PIXELTYPE=SIGNEDBYTE"));
        }
        cmd.addAll(List.of(src.toString(), tif.toString()));
        Gdal.run(cmd.toArray(String[]::new));
        PixelBuffer expected = Rasters.gdalDecode(tif, c.type, W, H, BANDS);

        try (GeoTiffReader r = LocalFileSource.open(tif)) {
            TiffImage img = r.image();
            assertThat(img.width()).isEqualTo(W);
            assertThat(img.height()).isEqualTo(H);
            assertThat(img.bands()).isEqualTo(BANDS);
            assertThat(img.dataType()).isEqualTo(c.type);
            assertThat(img.isTiled()).isEqualTo(c.tiled);
            assertThat(img.byteOrder()).isEqualTo(c.bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            assertThat(img.predictor()).isEqualTo(c.predictor);
            assertSame(img.readWindow(0, 0, W, H), expected, 0, 0);
            // a window straddling four blocks, read through the cache
            assertSame(img.readWindow(50, 30, 40, 30), expected, 50, 30);
            // the last block, padded as stored: its pixels inside the image are GDAL's
            int bx = img.blocksAcross() - 1, by = img.blocksDown() - 1;
            PixelBuffer last = img.readBlock(bx, by);
            assertThat(last.width()).isEqualTo(img.blockWidth());
            assertThat(last.height()).isEqualTo(img.blockHeight());
            int x0 = bx * img.blockWidth(), y0 = by * img.blockHeight();
            PixelBuffer inside = PixelBuffer.allocate(c.type, W - x0, H - y0, BANDS);
            inside.copyFrom(last, 0, 0, W - x0, H - y0, 0, 0);
            assertSame(inside, expected, x0, y0);
        }
    }

    static void assertSame(PixelBuffer actual, PixelBuffer expected, int x0, int y0) {
        for (int y = 0; y < actual.height(); y++) {
            for (int x = 0; x < actual.width(); x++) {
                for (int b = 0; b < actual.bands(); b++) {
                    double a = actual.get(x, y, b), e = expected.get(x0 + x, y0 + y, b);
                    if (Double.compare(a, e) != 0) {
                        throw new AssertionError("pixel " + (x0 + x) + "," + (y0 + y) + " band " + b + ": read " + a
                                + ", GDAL decodes " + e);
                    }
                }
            }
        }
    }
}
