package dev.cairn.raster.io;

import java.io.EOFException;

/** The bounds check every {@link ByteSource} makes before it allocates or requests anything. */
final class Ranges {
    private Ranges() {
    }

    /** Throws when {@code [offset, offset + length)} is not inside {@code [0, size)}. */
    static void check(String name, long offset, int length, long size) throws EOFException {
        if (offset < 0 || length < 0 || offset > size || size - offset < length) {
            throw new EOFException(name + ": cannot read " + length + " bytes at offset " + offset
                    + ": the file has " + size + " bytes (a damaged offset or byte count?)");
        }
    }
}
