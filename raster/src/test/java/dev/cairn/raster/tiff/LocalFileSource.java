package dev.cairn.raster.tiff;

import dev.cairn.raster.io.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Test-only {@link ByteSource} over a local file: positional FileChannel reads, bounded by the size. */
final class LocalFileSource implements ByteSource {
    private final Path path;
    private final FileChannel ch;
    private final long size;

    LocalFileSource(Path path) throws IOException {
        this.path = path;
        this.ch = FileChannel.open(path, StandardOpenOption.READ);
        this.size = ch.size();
    }

    static GeoTiffReader open(Path p) throws IOException {
        LocalFileSource s = new LocalFileSource(p);
        try {
            return GeoTiffReader.open(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return path.getFileName().toString();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new EOFException(name() + ": " + length + " bytes at " + offset + " beyond " + size);
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) {
                throw new EOFException(name());
            }
        }
        return b.flip();
    }

    @Override
    public String version() throws IOException {
        return size + "-" + Files.getLastModifiedTime(path).toMillis();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
