package dev.cairn.raster.tiff;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.testing.Gdal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Test inputs written as ENVI raw files from a seed, and GDAL's own decode of a TIFF read back. */
final class Rasters {
    private Rasters() {
    }

    static String gdalType(DataType t) {
        return switch (t) {
            case UINT8 -> "Byte";
            case INT8 -> "Byte"; // GDAL < 3.7 has no Int8: Byte with PIXELTYPE=SIGNEDBYTE
            case UINT16 -> "UInt16";
            case INT16 -> "Int16";
            case UINT32 -> "UInt32";
            case INT32 -> "Int32";
            case FLOAT32 -> "Float32";
            case FLOAT64 -> "Float64";
        };
    }

    private static int enviType(DataType t) {
        return switch (t) {
            case UINT8 -> 1;
            case INT8 -> 1; // written with PIXELTYPE=SIGNEDBYTE below
            case INT16 -> 2;
            case INT32 -> 3;
            case FLOAT32 -> 4;
            case FLOAT64 -> 5;
            case UINT16 -> 12;
            case UINT32 -> 13;
        };
    }

    /**
     * A w×h×bands ENVI file (pixel-interleaved, little-endian) of a gradient plus seeded noise that
     * spans the type's range, so predictors and compressors see varied data.
     */
    static Path envi(Path dir, String name, DataType t, int w, int h, int bands, long seed) throws IOException {
        Random r = new Random(seed);
        PixelBuffer p = PixelBuffer.allocate(t, w, h, bands);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < bands; b++) {
                    double v = switch (t) {
                        case FLOAT32, FLOAT64 -> (x * 0.37 - y * 1.21 + b * 100) * (1 + r.nextGaussian() * 0.01)
                                + (r.nextInt(50) == 0 ? 1e6 : 0);
                        default -> t.min() + ((x * 7 + y * 13 + b * 31 + r.nextInt(5)) % 256)
                                * (t.max() - t.min()) / 255.0;
                    };
                    p.set(x, y, b, v);
                }
            }
        }
        Path raw = dir.resolve(name + ".raw");
        Files.write(raw, toArray(p.toBytes(ByteOrder.LITTLE_ENDIAN)));
        Files.writeString(dir.resolve(name + ".hdr"), "ENVI\nsamples = " + w + "\nlines = " + h + "\nbands = "
                + bands + "\nheader offset = 0\nfile type = ENVI Standard\ndata type = " + enviType(t)
                + "\ninterleave = bip\nbyte order = 0\n");
        return raw;
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    /** GDAL's decode of {@code tif}: gdal_translate to a pixel-interleaved little-endian ENVI file. */
    static PixelBuffer gdalDecode(Path tif, DataType t, int w, int h, int bands) throws IOException, InterruptedException {
        Path out = tif.resolveSibling(tif.getFileName() + ".ref.raw");
        Gdal.run("gdal_translate", "-q", "-of", "ENVI", "-co", "INTERLEAVE=BIP", tif.toString(), out.toString());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out));
        return PixelBuffer.fromBytes(t, w, h, bands, b, ByteOrder.LITTLE_ENDIAN);
    }
}
