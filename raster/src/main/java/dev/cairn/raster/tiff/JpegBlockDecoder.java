package dev.cairn.raster.tiff;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * JPEG-in-TIFF blocks (compression 7, "new-style" JPEG of TIFF Technical Note 2), decoded with
 * the JDK's ImageIO JPEG reader — the JDK ships libjpeg's decoder, so no dependency is needed.
 *
 * <p>libtiff writes the quantisation and Huffman tables once, in the {@code JPEGTables} tag (347,
 * a tables-only stream {@code SOI DQT.. DHT.. EOI}), and each block as an abbreviated stream
 * without them. The two are merged here into one complete stream: the tables without their
 * {@code EOI}, then the block without its {@code SOI}. Photometric YCbCr (what GDAL writes for
 * RGB with {@code PHOTOMETRIC=YCBCR}, chroma subsampled 2×2) comes back as RGB, like GDAL's default
 * {@code JPEGCOLORMODE=RGB}; upsampling may differ from GDAL's libjpeg by a grey level or two.
 *
 * <p>Supported: 8-bit samples, 1 band (grey) or 3 bands (RGB or YCbCr), pixel-interleaved. Not
 * supported: 12-bit JPEG, CMYK/4-band JPEG, JPEG with PlanarConfiguration 2, old-style JPEG (6).
 * Thread-safe: each call uses its own ImageIO reader.
 */
final class JpegBlockDecoder {
    private JpegBlockDecoder() {
    }

    static PixelBuffer decode(byte[] block, int len, byte[] tables, int w, int h, int bands) throws IOException {
        byte[] stream = merge(block, len, tables);
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new IOException("no JPEG reader in this JDK");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(stream))) {
            reader.setInput(in, true, true);
            BufferedImage img = reader.read(0);
            Raster r = img.getRaster();
            if (r.getNumBands() != bands) {
                throw new IOException("JPEG block holds " + r.getNumBands() + " bands, the image declares " + bands);
            }
            PixelBuffer out = PixelBuffer.allocate(DataType.UINT8, w, h, bands);
            byte[] a = (byte[]) out.array();
            int cw = Math.min(w, r.getWidth()), ch = Math.min(h, r.getHeight());
            int[] row = new int[cw * bands];
            for (int y = 0; y < ch; y++) {
                r.getPixels(r.getMinX(), r.getMinY() + y, cw, 1, row);
                int base = y * w * bands;
                for (int i = 0; i < row.length; i++) {
                    a[base + i] = (byte) row[i];
                }
            }
            return out;
        } finally {
            reader.dispose();
        }
    }

    static byte[] merge(byte[] block, int len, byte[] tables) {
        boolean blockSoi = len >= 2 && (block[0] & 0xFF) == 0xFF && (block[1] & 0xFF) == 0xD8;
        if (tables == null || tables.length < 4) {
            return java.util.Arrays.copyOf(block, len);
        }
        int tLen = tables.length;
        if ((tables[tLen - 2] & 0xFF) == 0xFF && (tables[tLen - 1] & 0xFF) == 0xD9) {
            tLen -= 2;
        }
        int skip = blockSoi ? 2 : 0;
        byte[] out = new byte[tLen + len - skip];
        System.arraycopy(tables, 0, out, 0, tLen);
        System.arraycopy(block, skip, out, tLen, len - skip);
        return out;
    }
}
