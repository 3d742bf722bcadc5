package dev.cairn.raster.tiles;

import com.pngencoder.PngEncoder;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Encodes tiles as PNG with {@code pngencoder} (a fast pure-Java encoder: zlib at a low level and
 * a per-row filter; the JDK's ImageIO writer is several times slower on imagery). An opaque tile
 * is written as RGB (a quarter less to compress), any other as RGBA. Compression runs on the
 * calling worker's thread (the library's own thread pool is switched off: the workers already
 * keep every core busy). Thread-safe.
 */
final class PngTiles {
    /**
     * zlib level: 2 compresses imagery within a few per cent of level 6 at a fraction of its time
     * (the same trade gdal2tiles users make with {@code ZLEVEL} for speed).
     */
    static final int LEVEL = 2;

    private PngTiles() {
    }

    static byte[] encode(RgbaImage tile) {
        int n = tile.width * tile.height;
        BufferedImage image;
        byte[] src = tile.px;
        if (tile.isOpaque()) {
            image = new BufferedImage(tile.width, tile.height, BufferedImage.TYPE_3BYTE_BGR);
            byte[] dst = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int i = 0, o = 0, s = 0; i < n; i++, o += 3, s += 4) {
                dst[o] = src[s + 2];
                dst[o + 1] = src[s + 1];
                dst[o + 2] = src[s];
            }
        } else {
            image = new BufferedImage(tile.width, tile.height, BufferedImage.TYPE_4BYTE_ABGR);
            byte[] dst = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int i = 0, s = 0; i < n; i++, s += 4) {
                dst[s] = src[s + 3];
                dst[s + 1] = src[s + 2];
                dst[s + 2] = src[s + 1];
                dst[s + 3] = src[s];
            }
        }
        return new PngEncoder().withBufferedImage(image).withCompressionLevel(LEVEL)
                .withMultiThreadedCompressionEnabled(false).withPredictorEncoding(true).toBytes();
    }

    /** Decodes a PNG back to RGBA (tests and the re-read of an older zoom). */
    static RgbaImage decode(byte[] png) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            RgbaImage out = new RgbaImage(img.getWidth(), img.getHeight());
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    int argb = img.getRGB(x, y);
                    int i = (y * img.getWidth() + x) * 4;
                    out.px[i] = (byte) (argb >> 16);
                    out.px[i + 1] = (byte) (argb >> 8);
                    out.px[i + 2] = (byte) argb;
                    out.px[i + 3] = (byte) (argb >>> 24);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
