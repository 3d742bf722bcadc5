package dev.cairn.raster.cog;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The inverse of {@link TileEncoder} for what the tests encode: NONE, DEFLATE, ZSTD and LZW
 * with predictors 1, 2 and 3. The real decoders live in
 * {@code dev.cairn.raster.tiff}.
 */
final class TestTileDecoder implements TileDecoder {
    private final DataType type;
    private final int bands;
    private final int tileSize;
    private final Compression compression;
    private final Predictor predictor;

    TestTileDecoder(CogLayout layout) {
        this.type = layout.type();
        this.bands = layout.bands();
        this.tileSize = layout.tileSize();
        this.compression = layout.compression();
        this.predictor = layout.predictor();
    }

    @Override
    public PixelBuffer decode(byte[] compressed) throws IOException {
        int n = tileSize * tileSize * bands * type.bytes();
        byte[] raw = switch (compression) {
            case NONE -> compressed.clone();
            case DEFLATE -> inflate(compressed, n);
            case ZSTD -> {
                byte[] out = new byte[n];
                int got = new ZstdDecompressor().decompress(compressed, 0, compressed.length, out, 0, n);
                if (got != n) {
                    throw new IOException("zstd tile decoded to " + got + " bytes, expected " + n);
                }
                yield out;
            }
            case LZW -> lzw(compressed, n);
        };
        int w = type.bytes();
        int rowSamples = tileSize * bands;
        int rowBytes = rowSamples * w;
        if (predictor == Predictor.HORIZONTAL) {
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            for (int row = 0; row < tileSize; row++) {
                for (int s = bands; s < rowSamples; s++) {
                    int i = (row * rowSamples + s) * w, j = i - bands * w;
                    switch (w) {
                        case 1 -> raw[i] += raw[j];
                        case 2 -> b.putShort(i, (short) (b.getShort(i) + b.getShort(j)));
                        case 4 -> b.putInt(i, b.getInt(i) + b.getInt(j));
                        default -> b.putLong(i, b.getLong(i) + b.getLong(j));
                    }
                }
            }
        } else if (predictor == Predictor.FLOATING_POINT) {
            byte[] out = new byte[raw.length];
            for (int row = 0; row < tileSize; row++) {
                int base = row * rowBytes;
                for (int i = bands; i < rowBytes; i++) {
                    raw[base + i] += raw[base + i - bands];
                }
                for (int s = 0; s < rowSamples; s++) {
                    for (int k = 0; k < w; k++) {
                        out[base + s * w + k] = raw[base + (w - 1 - k) * rowSamples + s];
                    }
                }
            }
            raw = out;
        }
        return PixelBuffer.fromBytes(type, tileSize, tileSize, bands, ByteBuffer.wrap(raw), ByteOrder.LITTLE_ENDIAN);
    }

    /** TIFF LZW, MSB-first codes of 9..12 bits with libtiff's early change. */
    private static byte[] lzw(byte[] in, int n) throws IOException {
        byte[] out = new byte[n];
        int pos = 0;
        byte[][] table = new byte[4096][];
        for (int i = 0; i < 256; i++) {
            table[i] = new byte[] {(byte) i};
        }
        int free = 258, bits = 9;
        long acc = 0;
        int accBits = 0, inPos = 0;
        byte[] prev = null;
        while (true) {
            while (accBits < bits && inPos < in.length) {
                acc = (acc << 8) | (in[inPos++] & 0xFF);
                accBits += 8;
            }
            if (accBits < bits) {
                break;
            }
            int code = (int) ((acc >>> (accBits - bits)) & ((1 << bits) - 1));
            accBits -= bits;
            if (code == 257) {
                break;
            }
            if (code == 256) {
                free = 258;
                bits = 9;
                prev = null;
                continue;
            }
            byte[] entry;
            if (code < free && table[code] != null) {
                entry = table[code];
            } else if (code == free && prev != null) {
                entry = java.util.Arrays.copyOf(prev, prev.length + 1);
                entry[prev.length] = prev[0];
            } else {
                throw new IOException("bad LZW code " + code + " with " + free + " table entries");
            }
            if (prev != null) {
                byte[] added = java.util.Arrays.copyOf(prev, prev.length + 1);
                added[prev.length] = entry[0];
                table[free++] = added;
            }
            if (pos + entry.length > n) {
                throw new IOException("LZW tile decodes to more than " + n + " bytes");
            }
            System.arraycopy(entry, 0, out, pos, entry.length);
            pos += entry.length;
            prev = entry;
            if (free + 1 >= (1 << bits) && bits < 12) {
                bits++;
            }
        }
        if (pos != n) {
            throw new IOException("LZW tile decoded to " + pos + " bytes, expected " + n);
        }
        return out;
    }

    private static byte[] inflate(byte[] in, int n) throws IOException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(in);
            byte[] out = new byte[n];
            int got = 0;
            while (got < n && !inf.finished()) {
                int k = inf.inflate(out, got, n - got);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                got += k;
            }
            if (got != n) {
                throw new IOException("deflate tile decoded to " + got + " bytes, expected " + n);
            }
            return out;
        } catch (DataFormatException e) {
            throw new IOException(e);
        } finally {
            inf.end();
        }
    }
}
