package dev.cairn.geo.shp;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional reads through a fixed window buffer: sequential access costs one system call per
 * window, a jump costs one refill. Memory is the window plus the largest single read.
 * Not thread-safe.
 */
final class BlockReader implements AutoCloseable {
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer window;
    private long windowStart = -1;
    private int windowLength;

    BlockReader(FileChannel channel, int windowSize) throws IOException {
        this.channel = channel;
        this.size = channel.size();
        this.window = ByteBuffer.allocate(windowSize);
    }

    long size() {
        return size;
    }

    /** Fills {@code dst} completely with the bytes at {@code position}; EOFException past the end. */
    void read(long position, ByteBuffer dst) throws IOException {
        int n = dst.remaining();
        if (position < 0 || position + n > size) {
            throw new EOFException();
        }
        if (n > window.capacity()) {
            while (dst.hasRemaining()) {
                int r = channel.read(dst, position);
                if (r < 0) {
                    throw new EOFException();
                }
                position += r;
            }
            return;
        }
        if (windowStart < 0 || position < windowStart || position + n > windowStart + windowLength) {
            window.clear();
            long p = position;
            while (window.hasRemaining() && p < size) {
                int r = channel.read(window, p);
                if (r < 0) {
                    break;
                }
                p += r;
            }
            windowStart = position;
            windowLength = window.position();
        }
        int from = (int) (position - windowStart);
        dst.put(dst.position(), window, from, n);
        dst.position(dst.position() + n);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
