package dev.cairn.raster.tiles;

import dev.cairn.engine.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Tiles as files, {@code ROOT/Z/X/Y.png} (Y from the north, or from the south with {@code tms}).
 * Each tile is written to a hidden temp name in its directory, forced to disk and renamed: a tile
 * that exists is whole, whatever killed the writer (gdal2tiles' {@code --resume} trusts any file
 * that exists, which after a kill may be cut short). The temp name carries the attempt, so that a
 * zombie attempt (a worker that lost its lease but still runs) never writes into another's temp
 * file; a redo removes the temp files its earlier attempts left, and {@link #sweep} the rest. The directories touched are forced by
 * {@link #sync} before the metatile that wrote them is committed, so a committed metatile's tiles
 * survive a power loss too. Not thread-safe: one per metatile.
 */
final class XyzFolder {
    /** Earlier attempts whose temp files a redo removes (the publisher sweeps whatever is left). */
    private static final int MAX_EARLIER = 16;
    private final Path root;
    private final boolean tms;
    private final int attempt;
    private final Set<Path> touched = new LinkedHashSet<>();

    XyzFolder(Path root, boolean tms, int attempt) {
        this.root = root;
        this.tms = tms;
        this.attempt = attempt;
    }

    /** The file of tile (z, x, y), XYZ numbering in, this folder's numbering out. */
    static Path tilePath(Path root, boolean tms, int z, long x, long y) {
        long row = tms ? WebMercatorTiles.flipY(z, y) : y;
        return root.resolve(Integer.toString(z)).resolve(Long.toString(x)).resolve(row + ".png");
    }

    void write(int z, long x, long y, byte[] png) throws IOException {
        Path file = tilePath(root, tms, z, x, y);
        Path dir = file.getParent();
        if (touched.add(dir)) {
            Files.createDirectories(dir);
            touched.add(dir.getParent());
        }
        for (int earlier = Math.max(1, attempt - MAX_EARLIER); earlier < attempt; earlier++) {
            Files.deleteIfExists(AtomicFiles.tempFor(file, earlier)); // left by a killed attempt
        }
        Path temp = AtomicFiles.tempFor(file, attempt);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(png);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes every temp file left in the folder by killed writers (publication, once all is done). */
    static int sweep(Path root) throws IOException {
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> !f.startsWith(root.resolve(".cairn")) && AtomicFiles.isTemp(f)).toList()) {
                removed += Files.deleteIfExists(p) ? 1 : 0;
            }
        }
        return removed;
    }

    /** Forces the directory entries of every tile written so far (renames, new directories). */
    void sync() throws IOException {
        for (Path dir : touched) {
            AtomicFiles.fsyncDirectory(dir);
        }
        AtomicFiles.fsyncDirectory(root);
        touched.clear();
    }
}
