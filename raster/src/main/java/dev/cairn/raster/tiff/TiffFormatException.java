package dev.cairn.raster.tiff;

import java.io.IOException;

/**
 * A file that is not a TIFF, is damaged, or uses a feature cairn does not read. The message names
 * the source (its {@code name()}), the value seen and the rule it broke, e.g.
 * {@code "in.tif: tile 3,4 declares 4294967295 bytes at offset 8 beyond the end of the file (812 bytes)"}.
 * Permanent: retrying does not help.
 */
public class TiffFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public TiffFormatException(String message) {
        super(message);
    }

    public TiffFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
