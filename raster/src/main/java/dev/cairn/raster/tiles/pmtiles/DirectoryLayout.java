package dev.cairn.raster.tiles.pmtiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the tile entries into a root directory and leaf directories, as the reference writers do:
 * a root holding every entry when there are fewer than {@value #ROOT_ONLY_ENTRIES} and it
 * compresses into the {@value #MAX_ROOT} bytes the header leaves in the first 16 KiB; otherwise
 * leaves of {@code 4096} entries, doubled until the root (one entry per leaf, run length 0)
 * fits. One level of leaves, as the spec recommends; leaves are written in tile-id order, each
 * compressed by itself. Only one leaf's entries and the root's are in memory at a time.
 */
final class DirectoryLayout {

    /** Bytes left for the compressed root directory after the header. */
    static final int MAX_ROOT = Header.ROOT_LIMIT - Header.LENGTH;
    /** Above this many entries a root-only archive is not tried (keeps the root a quick read). */
    static final int ROOT_ONLY_ENTRIES = 16_384;
    static final int FIRST_LEAF_SIZE = 4096;

    /** The encoded root directory, and the bytes written as leaf directories. */
    record Result(byte[] root, long leavesLength) {
    }

    private DirectoryLayout() {
    }

    /**
     * Lays out the directories of {@code entries}; leaf directories are written to {@code out}
     * from {@code leavesOffset} on (the file is truncated there before each attempt).
     */
    static Result write(EntrySpill entries, FileChannel out, long leavesOffset) throws IOException {
        if (entries.count() < ROOT_ONLY_ENTRIES) {
            List<Directory.Entry> all = new ArrayList<>();
            entries.forEachChunk(ROOT_ONLY_ENTRIES, all::addAll);
            byte[] root = Directory.encode(all, 0, all.size());
            if (root.length <= MAX_ROOT) {
                return new Result(root, 0);
            }
        }
        for (int leafSize = FIRST_LEAF_SIZE; ; leafSize *= 2) {
            out.truncate(leavesOffset);
            List<Directory.Entry> rootEntries = new ArrayList<>();
            long[] written = {0};
            entries.forEachChunk(leafSize, chunk -> {
                byte[] leaf = Directory.encode(chunk, 0, chunk.size());
                writeFully(out, ByteBuffer.wrap(leaf), leavesOffset + written[0]);
                rootEntries.add(new Directory.Entry(chunk.get(0).tileId(), written[0], leaf.length, 0));
                written[0] += leaf.length;
            });
            byte[] root = Directory.encode(rootEntries, 0, rootEntries.size());
            if (root.length <= MAX_ROOT) {
                return new Result(root, written[0]);
            }
        }
    }

    static void writeFully(FileChannel out, ByteBuffer bytes, long position) throws IOException {
        while (bytes.hasRemaining()) {
            position += out.write(bytes, position);
        }
    }
}
