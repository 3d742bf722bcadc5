package dev.cairn.raster.tiles.pmtiles;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipException;

/**
 * Reads a local PMTiles v3 archive (any section order, root-only or with leaf directories, internal
 * compression none or gzip), e.g. to copy a finished archive back into an MBTiles file.
 *
 * <p>{@link #open} checks the magic number, the version (3) and that every section lies inside the
 * file; a foreign or truncated file fails there with a {@link MalformedPmtilesException} naming the
 * file. Tiles are returned as stored: when the header's tile compression is not "none" the caller
 * decompresses. Leaf directories are followed to a depth of 3 (the spec discourages more than one).
 *
 * <p>Thread-safe: reads are positional, and the cache of the last {@value #CACHED_LEAVES} leaf
 * directories is synchronized.
 */
public final class PmtilesReader implements AutoCloseable {

    /** Receives the tiles of {@link #forEach}; {@code data} is shared by the tiles of one run: do not modify it. */
    public interface TileVisitor {
        void tile(int z, long x, long y, byte[] data) throws IOException;
    }

    private static final int CACHED_LEAVES = 64;
    private static final int MAX_DEPTH = 3;

    private final Path file;
    private final FileChannel channel;
    private final Header header;
    private final List<Directory.Entry> root;
    private final Map<Long, List<Directory.Entry>> leaves = new LinkedHashMap<>(CACHED_LEAVES * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<Directory.Entry>> eldest) {
            return size() > CACHED_LEAVES;
        }
    };

    private PmtilesReader(Path file, FileChannel channel) throws IOException {
        this.file = file;
        this.channel = channel;
        long size = channel.size();
        byte[] start = new byte[Header.LENGTH];
        ByteBuffer b = ByteBuffer.wrap(start);
        while (b.hasRemaining() && channel.read(b, b.position()) > 0) {
            // read up to the header's length
        }
        this.header = Header.parse(start, b.position(), file, size);
        within("root directory", header.rootDirectoryOffset(), header.rootDirectoryLength(), size);
        within("metadata", header.metadataOffset(), header.metadataLength(), size);
        within("leaf directories", header.leafDirectoriesOffset(), header.leafDirectoriesLength(), size);
        within("tile data", header.tileDataOffset(), header.tileDataLength(), size);
        if (header.rootDirectoryLength() == 0) {
            throw new MalformedPmtilesException(file, "has an empty root directory");
        }
        this.root = directory(header.rootDirectoryOffset(), header.rootDirectoryLength(), "root directory");
    }

    /** Opens {@code file} and reads its header and root directory. */
    public static PmtilesReader open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new PmtilesReader(file, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Header header() {
        return header;
    }

    /**
     * The tile {@code z/x/y} (XYZ row: 0 at the north), or empty when the archive does not hold it.
     *
     * @throws IllegalArgumentException when {@code x} or {@code y} is outside zoom {@code z}, or z is not 0..31
     */
    public Optional<byte[]> tile(int z, long x, long y) throws IOException {
        long id = TileId.of(z, x, y);
        List<Directory.Entry> dir = root;
        for (int depth = 0; depth <= MAX_DEPTH; depth++) {
            Directory.Entry e = Directory.find(dir, id);
            if (e == null) {
                return Optional.empty();
            }
            if (e.runLength() > 0) {
                return Optional.of(tileData(e));
            }
            dir = leaf(e);
        }
        throw new MalformedPmtilesException(file, "nests leaf directories deeper than " + MAX_DEPTH + " levels");
    }

    /** The JSON metadata, decompressed. */
    public String metadataJson() throws IOException {
        byte[] stored = read(header.metadataOffset(), header.metadataLength(), "metadata");
        try (InputStream in = Directory.decompress(stored, header.internalCompression(), file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (ZipException | EOFException e) {
            throw new MalformedPmtilesException(file, "has metadata that does not decompress: " + e.getMessage());
        }
    }

    /** Every addressed tile in tile-id order (run lengths expanded), for copying back into an MBTiles. */
    public void forEach(TileVisitor v) throws IOException {
        walk(root, 0, v);
    }

    private void walk(List<Directory.Entry> dir, int depth, TileVisitor v) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new MalformedPmtilesException(file, "nests leaf directories deeper than " + MAX_DEPTH + " levels");
        }
        for (Directory.Entry e : dir) {
            if (e.runLength() == 0) {
                walk(directory(header.leafDirectoriesOffset() + e.offset(), e.length(), "leaf directory"), depth + 1, v);
                continue;
            }
            byte[] data = tileData(e);
            for (long i = 0; i < e.runLength(); i++) {
                long[] zxy = TileId.zxy(e.tileId() + i);
                v.tile((int) zxy[0], zxy[1], zxy[2], data);
            }
        }
    }

    private List<Directory.Entry> leaf(Directory.Entry e) throws IOException {
        synchronized (leaves) {
            List<Directory.Entry> cached = leaves.get(e.offset());
            if (cached != null) {
                return cached;
            }
        }
        List<Directory.Entry> leaf = directory(header.leafDirectoriesOffset() + e.offset(), e.length(), "leaf directory");
        synchronized (leaves) {
            leaves.put(e.offset(), leaf);
        }
        return leaf;
    }

    private List<Directory.Entry> directory(long offset, long length, String what) throws IOException {
        byte[] stored = read(offset, length, what);
        try {
            return Directory.decode(stored, header.internalCompression(), file, what + " at byte " + offset);
        } catch (ZipException | EOFException e) {
            throw new MalformedPmtilesException(file, "has a " + what + " at byte " + offset
                    + " that does not decompress: " + e.getMessage());
        }
    }

    private byte[] tileData(Directory.Entry e) throws IOException {
        if (e.offset() + e.length() > header.tileDataLength()) {
            throw new MalformedPmtilesException(file, "has a tile entry (id " + e.tileId() + ") past the end of"
                    + " the tile data section (bytes " + e.offset() + "+" + e.length() + " of " + header.tileDataLength() + ")");
        }
        return read(header.tileDataOffset() + e.offset(), e.length(), "tile");
    }

    private byte[] read(long offset, long length, String what) throws IOException {
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new MalformedPmtilesException(file, "has a " + what + " of " + length + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate((int) length);
        while (b.hasRemaining()) {
            int n = channel.read(b, offset + b.position());
            if (n < 0) {
                throw new MalformedPmtilesException(file, "ends inside its " + what + " (bytes " + offset + "+" + length
                        + ", file is " + channel.size() + " bytes; truncated?)");
            }
        }
        return b.array();
    }

    private void within(String what, long offset, long length, long size) throws MalformedPmtilesException {
        if (offset < 0 || length < 0 || offset + length > size || offset + length < 0) {
            throw new MalformedPmtilesException(file, "says its " + what + " lies at bytes " + offset + ".." + (offset + length)
                    + ", but the file is " + size + " bytes long (truncated?)");
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
