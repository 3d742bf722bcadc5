package dev.cairn.geo.shp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends through a 64 KiB buffer and patches headers in place; tracks the logical size. Not thread-safe. */
final class ChannelWriter implements AutoCloseable {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private long size;

    ChannelWriter(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    long size() {
        return size;
    }

    void write(ByteBuffer src) throws IOException {
        size += src.remaining();
        if (src.remaining() > buffer.remaining()) {
            flush();
            if (src.remaining() > buffer.capacity()) {
                while (src.hasRemaining()) {
                    channel.write(src);
                }
                return;
            }
        }
        buffer.put(src);
    }

    void write(byte[] bytes) throws IOException {
        write(ByteBuffer.wrap(bytes));
    }

    void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** Writes {@code src} at {@code position} (within what was written), after flushing. */
    void writeAt(long position, ByteBuffer src) throws IOException {
        flush();
        long p = position;
        while (src.hasRemaining()) {
            p += channel.write(src, p);
        }
    }

    /** Flushes and forces content and metadata to disk. */
    void sync() throws IOException {
        flush();
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
