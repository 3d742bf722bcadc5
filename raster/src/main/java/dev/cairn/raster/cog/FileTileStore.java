package dev.cairn.raster.cog;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tiles appended to one scratch file, indexed in memory: what the assembly step can use for the
 * overview levels so that they need not sit on the heap (16 bytes of index per tile).
 *
 * <pre>
 *   scratch file: [tile bytes][tile bytes]...   appended in put order, no header
 *   index (heap): key(level, tx, ty) → (offset, length)
 * </pre>
 *
 * <p>Not durable: the index lives only in memory, so after a crash the file is garbage and is
 * rebuilt (overviews are recomputed from the staged full-resolution tiles). A replaced tile leaves
 * its old bytes behind as dead space. Thread-safe ({@code put} is synchronized, reads are
 * positional). {@link #close} deletes the file.
 */
public final class FileTileStore implements TileStore, Closeable {
    private record Slot(long offset, int length) {
    }

    private final Path file;
    private final FileChannel channel;
    private final ConcurrentHashMap<Long, Slot> index = new ConcurrentHashMap<>();
    private long end;

    /** Creates (or truncates) the scratch file. */
    public FileTileStore(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @Override
    public byte[] get(int level, int tx, int ty) throws IOException {
        Slot s = index.get(InMemoryTileStore.key(level, tx, ty));
        if (s == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate(s.length);
        long pos = s.offset;
        while (b.hasRemaining()) {
            int n = channel.read(b, pos);
            if (n < 0) {
                throw new IOException(file + ": tile " + level + "/" + tx + "/" + ty + " expected " + s.length
                        + " bytes at offset " + s.offset + ", file ends at " + channel.size());
            }
            pos += n;
        }
        return b.array();
    }

    @Override
    public synchronized void put(int level, int tx, int ty, byte[] compressed) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(compressed);
        long pos = end;
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
        index.put(InMemoryTileStore.key(level, tx, ty), new Slot(end, compressed.length));
        end = pos;
    }

    @Override
    public int size(int level, int tx, int ty) {
        Slot s = index.get(InMemoryTileStore.key(level, tx, ty));
        return s == null ? -1 : s.length;
    }

    @Override
    public void close() throws IOException {
        channel.close();
        java.nio.file.Files.deleteIfExists(file);
    }
}
