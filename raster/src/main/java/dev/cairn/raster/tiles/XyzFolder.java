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
 * that exists, which after a kill may be cut short). The directories touched are forced by
 * {@link #sync} before the metatile that wrote them is committed, so a committed metatile's tiles
 * survive a power loss too. Not thread-safe: one per metatile.
 */
final class XyzFolder {
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

    /** Forces the directory entries of every tile written so far (renames, new directories). */
    void sync() throws IOException {
        for (Path dir : touched) {
            AtomicFiles.fsyncDirectory(dir);
        }
        AtomicFiles.fsyncDirectory(root);
        touched.clear();
    }
}
