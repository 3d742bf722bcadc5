package dev.cairn.raster.tiles.pmtiles;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directory entries of an archive being written, in tile-id order, spilled to a scratch file
 * (32 bytes an entry: tile id, offset, length, run length as big-endian longs) so that memory does
 * not grow with the tile count. Append, {@link #finish()}, then read back in chunks as many times
 * as the directory layout needs. The file is deleted by {@link #close()}. Not thread-safe.
 */
final class EntrySpill implements AutoCloseable {

    private final Path file;
    private DataOutputStream out;
    private long count;

    EntrySpill(Path directory, String prefix) throws IOException {
        file = Files.createTempFile(directory, prefix, ".entries");
        out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }

    void append(Directory.Entry e) throws IOException {
        out.writeLong(e.tileId());
        out.writeLong(e.offset());
        out.writeLong(e.length());
        out.writeLong(e.runLength());
        count++;
    }

    void finish() throws IOException {
        out.close();
    }

    long count() {
        return count;
    }

    /** Reads the entries back in order, {@code chunk} at a time (the last chunk may be shorter). */
    void forEachChunk(int chunk, ChunkVisitor visitor) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            List<Directory.Entry> entries = new ArrayList<>(chunk);
            for (long i = 0; i < count; i++) {
                entries.add(new Directory.Entry(in.readLong(), in.readLong(), in.readLong(), in.readLong()));
                if (entries.size() == chunk || i == count - 1) {
                    visitor.chunk(entries);
                    entries.clear();
                }
            }
        }
    }

    interface ChunkVisitor {
        void chunk(List<Directory.Entry> entries) throws IOException;
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
