package dev.cairn.raster.tiff;

/**
 * A TIFF whose {@code Compression} tag (259) names a scheme cairn does not decode, e.g.
 * {@code "in.tif: unsupported compression JPEG 2000 (34712)"}. Re-encode the input with
 * {@code gdal_translate -co COMPRESS=DEFLATE} (or ZSTD, LZW) to read it.
 */
public final class UnsupportedCompressionException extends TiffFormatException {
    private static final long serialVersionUID = 1L;

    public UnsupportedCompressionException(String message) {
        super(message);
    }
}
