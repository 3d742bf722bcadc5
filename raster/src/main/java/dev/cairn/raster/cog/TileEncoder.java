package dev.cairn.raster.cog;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import io.airlift.compress.zstd.ZstdCompressor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * One tile of pixels → the bytes a TIFF tile holds: little-endian samples, pixel-interleaved,
 * then the predictor, then the compression, exactly as GDAL writes them (so GDAL and any TIFF
 * reader decode them).
 *
 * <ul>
 *   <li>Predictor 2 (horizontal): within each row, every sample minus the same band's sample of
 *       the pixel to its left, in the sample's own width (wrapping), as libtiff does.</li>
 *   <li>Predictor 3 (floating point, TIFF Technical Note 3): each row's samples are split into
 *       byte planes, most significant byte first ({@code [all MSBs][...][all LSBs]}), then every
 *       byte minus the byte {@code bands} places before it.</li>
 *   <li>DEFLATE: a zlib stream ({@link Deflater}, level configurable, default 6, like GDAL);
 *       ZSTD: a zstd frame (aircompressor, its default level); LZW: TIFF's variant, written here
 *       because no maintained Java library offers it ({@link LzwEncoder}).</li>
 * </ul>
 *
 * <p>Thread-safe: it holds only the layout; every {@link #encode} call allocates its own
 * compressor, so the warp job's workers share one encoder.
 */
public final class TileEncoder {

    /** GDAL's default ZLEVEL. */
    public static final int DEFAULT_DEFLATE_LEVEL = CogLayout.DEFAULT_DEFLATE_LEVEL;

    private final DataType type;
    private final int bands;
    private final int tileSize;
    private final Compression compression;
    private final Predictor predictor;
    private final int deflateLevel;

    public TileEncoder(DataType type, int bands, int tileSize, Compression compression, Predictor predictor,
            int deflateLevel) {
        if (predictor == Predictor.FLOATING_POINT && !type.isFloatingPoint()) {
            throw new IllegalArgumentException("predictor 3 (floating point) applies to float32/float64 samples, not " + type);
        }
        if (deflateLevel < 1 || deflateLevel > 9) {
            throw new IllegalArgumentException("DEFLATE level must be 1..9, got " + deflateLevel);
        }
        this.type = type;
        this.bands = bands;
        this.tileSize = tileSize;
        this.compression = compression;
        this.predictor = predictor;
        this.deflateLevel = deflateLevel;
    }

    /** The encoder of a layout's tiles, DEFLATE at the layout's {@link CogLayout#deflateLevel}. */
    public static TileEncoder forLayout(CogLayout layout) {
        return new TileEncoder(layout.type(), layout.bands(), layout.tileSize(), layout.compression(),
                layout.predictor(), layout.deflateLevel());
    }

    /**
     * Encodes one full tile.
     *
     * @throws IllegalArgumentException when the buffer is not {@code tileSize × tileSize} of this
     *                                  encoder's type and band count (edge tiles come padded)
     */
    public byte[] encode(PixelBuffer tile) {
        if (tile.type() != type || tile.bands() != bands || tile.width() != tileSize || tile.height() != tileSize) {
            throw new IllegalArgumentException("tile of " + tile.width() + "x" + tile.height() + "x" + tile.bands()
                    + " " + tile.type() + " given to an encoder of " + tileSize + "x" + tileSize + "x" + bands + " " + type
                    + " tiles (edge tiles must be padded to the full tile size)");
        }
        byte[] raw = tile.toBytes(ByteOrder.LITTLE_ENDIAN).array();
        switch (predictor) {
            case HORIZONTAL -> horizontalDifference(raw);
            case FLOATING_POINT -> raw = floatingPointDifference(raw);
            case NONE -> { }
        }
        return switch (compression) {
            case NONE -> raw;
            case DEFLATE -> deflate(raw);
            case ZSTD -> zstd(raw);
            case LZW -> LzwEncoder.encode(raw);
        };
    }

    private void horizontalDifference(byte[] b) {
        int w = type.bytes();
        int rowSamples = tileSize * bands;
        for (int row = 0; row < tileSize; row++) {
            int rowStart = row * rowSamples;
            for (int s = rowSamples - 1; s >= bands; s--) {
                int i = (rowStart + s) * w;
                int j = (rowStart + s - bands) * w;
                switch (w) {
                    case 1 -> b[i] -= b[j];
                    case 2 -> putLe(b, i, 2, getLe(b, i, 2) - getLe(b, j, 2));
                    case 4 -> putLe(b, i, 4, getLe(b, i, 4) - getLe(b, j, 4));
                    default -> putLe(b, i, 8, getLe(b, i, 8) - getLe(b, j, 8));
                }
            }
        }
    }

    private byte[] floatingPointDifference(byte[] le) {
        int w = type.bytes();
        int rowSamples = tileSize * bands;
        int rowBytes = rowSamples * w;
        byte[] out = new byte[le.length];
        for (int row = 0; row < tileSize; row++) {
            int base = row * rowBytes;
            for (int s = 0; s < rowSamples; s++) {
                for (int k = 0; k < w; k++) {
                    // plane 0 holds the most significant bytes: little-endian byte k goes to plane w-1-k
                    out[base + (w - 1 - k) * rowSamples + s] = le[base + s * w + k];
                }
            }
            for (int i = rowBytes - 1; i >= bands; i--) {
                out[base + i] -= out[base + i - bands];
            }
        }
        return out;
    }

    private static long getLe(byte[] b, int off, int n) {
        long v = 0;
        for (int k = n - 1; k >= 0; k--) {
            v = (v << 8) | (b[off + k] & 0xFF);
        }
        return v;
    }

    private static void putLe(byte[] b, int off, int n, long v) {
        for (int k = 0; k < n; k++) {
            b[off + k] = (byte) (v >>> (8 * k));
        }
    }

    private byte[] deflate(byte[] raw) {
        Deflater d = new Deflater(deflateLevel);
        try {
            d.setInput(raw);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
            byte[] chunk = new byte[64 * 1024];
            while (!d.finished()) {
                int n = d.deflate(chunk);
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static byte[] zstd(byte[] raw) {
        ZstdCompressor z = new ZstdCompressor();
        byte[] out = new byte[z.maxCompressedLength(raw.length)];
        int n = z.compress(raw, 0, raw.length, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }
}
