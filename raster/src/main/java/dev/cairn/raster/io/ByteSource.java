package dev.cairn.raster.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Random access to the bytes of one input file, local or remote: what the TIFF reader reads
 * IFDs and blocks through. A local file is read with positional reads on a
 * {@link java.nio.channels.FileChannel}; an {@code http(s)://} input with range requests (the way a
 * COG is meant to be read), retried on transient errors.
 *
 * <p>Implementations are thread-safe: several workers read blocks of one source at once.
 * Every read is bounded by {@link #size()}: a reader that follows a damaged offset gets an
 * {@link java.io.EOFException}, never a hang or an allocation of the declared size.
 */
public interface ByteSource extends Closeable {

    /** The name to report in messages: the path or URL as the user gave it. */
    String name();

    /** The size in bytes (known before the first read: a local file's length, HTTP Content-Length). */
    long size() throws IOException;

    /**
     * Reads exactly {@code length} bytes at {@code offset}.
     *
     * @return a buffer positioned at 0 with {@code length} bytes remaining (byte order unset)
     * @throws java.io.EOFException when {@code offset + length} lies beyond {@link #size()}
     * @throws IOException          when the bytes cannot be read (after retries, for remote sources)
     */
    ByteBuffer read(long offset, int length) throws IOException;

    /**
     * A string that changes when the content does: for a local file its size and modification
     * time, for a URL its ETag, else Last-Modified and Content-Length. The checkpoint keys a
     * remote asset by URL plus this version, so a changed file is redone.
     */
    String version() throws IOException;
}
