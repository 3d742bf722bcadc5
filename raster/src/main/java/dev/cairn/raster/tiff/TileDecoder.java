package dev.cairn.raster.tiff;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes one TIFF block (tile or strip) from its stored bytes: decompression, then reversal of
 * the predictor, then the samples into a {@link PixelBuffer}. Shared by the reader and the COG
 * writer's overview builder, which decodes tiles it wrote. Stateless and thread-safe.
 *
 * <p>Compressions: 1 none, 5 LZW ({@link LzwDecoder}), 8 and 32946 DEFLATE (the JDK's
 * {@link Inflater}), 32773 PackBits, 50000 ZSTD (aircompressor's pure-Java decoder). JPEG (7)
 * needs the image's JPEGTables and photometric and is decoded by {@link JpegBlockDecoder}.
 *
 * <p><b>Predictors, where they bite.</b> Predictor 2 (horizontal differencing) works on whole
 * samples in the <em>file's</em> byte order, per row, with a stride of the samples per pixel.
 * Predictor 3 (floating point) is different: libtiff first differences the <em>bytes</em> of a
 * row, then stores each row as byte planes, most significant byte first — whatever the file's
 * byte order. A decoder that swaps bytes to the file order after undoing predictor 3 (as two
 * Java TIFF libraries do) breaks every big-endian float file, or every little-endian one.
 */
public final class TileDecoder {
    public static final int NONE = 1, LZW = 5, JPEG = 7, DEFLATE = 8, PACKBITS = 32773, DEFLATE_OLD = 32946,
            ZSTD = 50000;

    private TileDecoder() {
    }

    /** The name of a TIFF compression code, for messages ("DEFLATE", "JPEG 2000"). */
    public static String compressionName(int compression) {
        return switch (compression) {
            case NONE -> "none";
            case 2 -> "CCITT RLE";
            case 3 -> "CCITT Group 3";
            case 4 -> "CCITT Group 4";
            case LZW -> "LZW";
            case 6 -> "old-style JPEG";
            case JPEG -> "JPEG";
            case DEFLATE, DEFLATE_OLD -> "DEFLATE";
            case PACKBITS -> "PackBits";
            case 34676 -> "SGILOG";
            case 34712 -> "JPEG 2000";
            case 34887 -> "LERC";
            case 34925 -> "LZMA";
            case ZSTD -> "ZSTD";
            case 50001 -> "WEBP";
            case 50002 -> "JPEG XL";
            default -> "code " + compression;
        };
    }

    static boolean isSupported(int compression) {
        return compression == NONE || compression == LZW || compression == DEFLATE || compression == DEFLATE_OLD
                || compression == PACKBITS || compression == ZSTD || compression == JPEG;
    }

    /**
     * Decodes a block of {@code w × h} pixels of {@code bands} pixel-interleaved samples.
     *
     * @param compressed  the stored bytes of the block
     * @param compression TIFF Compression: 1, 5, 8, 32946, 32773 or 50000
     * @param predictor   TIFF Predictor: 1 none, 2 horizontal, 3 floating point
     * @param order       the file's byte order
     * @throws IllegalArgumentException for an unsupported compression or predictor, or a stream
     *                                  that does not decode to {@code w × h × bands} samples
     */
    public static PixelBuffer decode(byte[] compressed, int compression, int predictor, DataType type, int w,
            int h, int bands, ByteOrder order) {
        byte[] raw = new byte[Math.multiplyExact(Math.multiplyExact(w, h), bands * type.bytes())];
        int n = decompress(compressed, compressed.length, compression, raw);
        if (n < raw.length) {
            throw new IllegalArgumentException(compressionName(compression) + " block decodes to " + n
                    + " bytes, " + raw.length + " expected for " + w + "x" + h + "x" + bands + " " + type);
        }
        return toPixels(raw, predictor, type, w, h, bands, order);
    }

    /** Undoes the predictor in place and wraps the samples; the order the bytes end in depends on it. */
    static PixelBuffer toPixels(byte[] raw, int predictor, DataType type, int w, int h, int bands, ByteOrder order) {
        ByteOrder samplesOrder = order;
        switch (predictor) {
            case 1 -> {
            }
            case 2 -> undoHorizontal(raw, type.bytes(), w, h, bands, order);
            case 3 -> {
                if (!type.isFloatingPoint()) {
                    throw new IllegalArgumentException("floating-point predictor 3 on " + type + " samples");
                }
                undoFloatingPoint(raw, type.bytes(), w, h, bands);
                samplesOrder = ByteOrder.BIG_ENDIAN;
            }
            default -> throw new IllegalArgumentException("unsupported predictor " + predictor);
        }
        return PixelBuffer.fromBytes(type, w, h, bands, ByteBuffer.wrap(raw), samplesOrder);
    }

    /**
     * Decompresses into {@code out}, at most {@code out.length} bytes; returns how many were
     * written (fewer means the stream ended early).
     */
    static int decompress(byte[] in, int inLen, int compression, byte[] out) {
        switch (compression) {
            case NONE -> {
                int n = Math.min(inLen, out.length);
                System.arraycopy(in, 0, out, 0, n);
                return n;
            }
            case LZW -> {
                return LzwDecoder.decode(in, inLen, out);
            }
            case PACKBITS -> {
                return PackBitsDecoder.decode(in, inLen, out);
            }
            case DEFLATE, DEFLATE_OLD -> {
                Inflater inf = new Inflater();
                try {
                    inf.setInput(in, 0, inLen);
                    int n = 0;
                    while (n < out.length) {
                        int k = inf.inflate(out, n, out.length - n);
                        if (k == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) {
                            break;
                        }
                        n += k;
                    }
                    return n;
                } catch (DataFormatException e) {
                    throw new IllegalArgumentException("corrupt DEFLATE stream: " + e.getMessage(), e);
                } finally {
                    inf.end();
                }
            }
            case ZSTD -> {
                try {
                    long declared = ZstdDecompressor.getDecompressedSize(in, 0, inLen);
                    if (declared > out.length) {
                        // never allocate what a damaged frame header declares
                        throw new IllegalArgumentException("ZSTD frame declares " + declared + " bytes, the block holds "
                                + out.length);
                    }
                    return new ZstdDecompressor().decompress(in, 0, inLen, out, 0, out.length);
                } catch (MalformedInputException | IndexOutOfBoundsException e) {
                    // aircompressor's decoder indexes its tables with damaged values before it checks them
                    throw new IllegalArgumentException("corrupt ZSTD stream: " + e.getMessage(), e);
                }
            }
            default -> throw new IllegalArgumentException("unsupported compression " + compressionName(compression)
                    + " (" + compression + ")");
        }
    }

    /** Predictor 2: each sample plus the same band of the previous pixel, in the file's byte order. */
    static void undoHorizontal(byte[] b, int bytes, int w, int h, int bands, ByteOrder order) {
        int rowBytes = w * bands * bytes;
        int stride = bands * bytes;
        boolean le = order == ByteOrder.LITTLE_ENDIAN;
        for (int y = 0; y < h; y++) {
            int row = y * rowBytes;
            for (int i = row + stride; i < row + rowBytes; i += bytes) {
                int prev = i - stride;
                if (bytes == 1) {
                    b[i] += b[prev];
                } else {
                    // add as unsigned multi-byte integers with carry, in the file's byte order
                    int carry = 0;
                    for (int k = 0; k < bytes; k++) {
                        int off = le ? k : bytes - 1 - k;
                        int s = (b[i + off] & 0xFF) + (b[prev + off] & 0xFF) + carry;
                        b[i + off] = (byte) s;
                        carry = s >>> 8;
                    }
                }
            }
        }
    }

    /** Predictor 3: undo byte differencing along each row, then gather the byte planes (MSB first). */
    static void undoFloatingPoint(byte[] b, int bytes, int w, int h, int bands) {
        int samples = w * bands;
        int rowBytes = samples * bytes;
        byte[] tmp = new byte[rowBytes];
        for (int y = 0; y < h; y++) {
            int row = y * rowBytes;
            for (int i = row + bands; i < row + rowBytes; i++) {
                b[i] += b[i - bands];
            }
            System.arraycopy(b, row, tmp, 0, rowBytes);
            for (int s = 0; s < samples; s++) {
                for (int k = 0; k < bytes; k++) {
                    b[row + s * bytes + k] = tmp[k * samples + s];
                }
            }
        }
    }
}
