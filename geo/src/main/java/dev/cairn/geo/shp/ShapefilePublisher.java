package dev.cairn.geo.shp;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Moves a finished shapefile from its temp name to its final name so that a reader who sees the
 * final .shp also sees complete sidecars.
 *
 * <p>Protocol: (1) check that the staged files agree — .shp length as its header says and ending
 * with the last record the .shx indexes, .dbf record count equal to the .shx count (and to the
 * expected count when given); (2) fsync every staged file; (3) delete final-name sidecars the
 * new set lacks (a stale .prj would give the new data a wrong CRS); (4) rename .dbf, .shx, .prj,
 * .cpg, each atomically; (5) rename the .shp last — the commit point; (6) fsync the directory.
 * A crash before (5) leaves the previous .shp (if any) with new sidecars or temp files: readers
 * of a final name that had no .shp see nothing; re-running the asset redoes the whole set.
 */
final class ShapefilePublisher {
    private ShapefilePublisher() {
    }

    static long publish(Path tempShp, Path finalShp, long expectedCount) throws AssetFailure {
        try {
            long count = verify(tempShp);
            if (expectedCount >= 0 && count != expectedCount) {
                throw failure(tempShp, "holds " + count + " features, " + expectedCount + " were written");
            }
            for (String ext : Sidecars.WRITTEN) {
                Path p = Sidecars.expected(tempShp, ext);
                if (Files.exists(p)) {
                    sync(p);
                } else {
                    Files.deleteIfExists(Sidecars.expected(finalShp, ext));
                }
            }
            sync(tempShp);
            for (String ext : Sidecars.WRITTEN) {
                Path p = Sidecars.expected(tempShp, ext);
                if (Files.exists(p)) {
                    Files.move(p, Sidecars.expected(finalShp, ext), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(tempShp, finalShp, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.fsyncDirectory(finalShp.toAbsolutePath().getParent());
            return count;
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, finalShp + ": cannot publish (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Publishes a table without geometry staged by the sink beside {@code tempShp} (its
     * {@code .dbf} and {@code .cpg}; there is no .shp) as the lone {@code finalDbf}, as GDAL
     * writes an attribute table: (1) check the staged .dbf holds {@code expectedCount} records
     * (when not negative) and is as long as they need; (2) fsync it and its .cpg; (3) rename the
     * .cpg to the final stem, then (4) the .dbf, the commit point; (5) fsync the directory. A
     * crash before (4) leaves temp files (removed by the next attempt) and, at worst, a new .cpg
     * beside the previous .dbf: both are UTF-8, as cairn always writes them.
     */
    static long publishTable(Path tempShp, Path finalDbf, long expectedCount) throws AssetFailure {
        Path dbf = Sidecars.expected(tempShp, ".dbf");
        Path cpg = Sidecars.expected(tempShp, ".cpg");
        try {
            if (Files.exists(tempShp)) {
                // planned as a table, written with geometries: publishing the .dbf alone would lose them
                throw failure(finalDbf, "the layer was planned as a table without geometry but has geometries"
                        + " (the input changed since planning); run the command again to re-plan");
            }
            if (!Files.isRegularFile(dbf)) {
                throw failure(dbf, "missing from the staged table");
            }
            long count;
            try (FileChannel table = FileChannel.open(dbf, StandardOpenOption.READ)) {
                ByteBuffer d = read(table, 0, 12).order(ByteOrder.LITTLE_ENDIAN);
                count = Integer.toUnsignedLong(d.getInt(4));
                long needed = Short.toUnsignedInt(d.getShort(8)) + count * Short.toUnsignedInt(d.getShort(10));
                if (Files.size(dbf) < needed) {
                    throw failure(dbf, "is shorter (" + Files.size(dbf) + " bytes) than its " + count + " records need");
                }
            }
            if (expectedCount >= 0 && count != expectedCount) {
                throw failure(dbf, "holds " + count + " records, " + expectedCount + " were written");
            }
            String name = finalDbf.getFileName().toString();
            Path finalCpg = finalDbf.resolveSibling(name.substring(0, name.length() - ".dbf".length())
                    + (name.endsWith(".DBF") ? ".CPG" : ".cpg"));
            sync(dbf);
            if (Files.exists(cpg)) {
                sync(cpg);
                Files.move(cpg, finalCpg, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(dbf, finalDbf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.fsyncDirectory(finalDbf.toAbsolutePath().getParent());
            return count;
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, finalDbf + ": cannot publish (" + e.getMessage() + ")", e);
        }
    }

    /** The feature count of a staged shapefile, after checking that .shp, .shx and .dbf agree. */
    static long verify(Path shp) throws IOException, AssetFailure {
        Path shx = Sidecars.expected(shp, ".shx");
        Path dbf = Sidecars.expected(shp, ".dbf");
        for (Path p : new Path[] {shp, shx, dbf}) {
            if (!Files.isRegularFile(p)) {
                throw failure(p, "missing from the staged shapefile");
            }
        }
        long shpSize = Files.size(shp);
        long shxSize = Files.size(shx);
        long count = (shxSize - 100) / 8;
        if (shxSize < 100 || (shxSize - 100) % 8 != 0) {
            throw failure(shx, "has " + shxSize + " bytes, not 100 + 8 per record");
        }
        try (FileChannel in = FileChannel.open(shp, StandardOpenOption.READ);
             FileChannel idx = FileChannel.open(shx, StandardOpenOption.READ);
             FileChannel table = FileChannel.open(dbf, StandardOpenOption.READ)) {
            ByteBuffer h = read(in, 0, 100).order(ByteOrder.BIG_ENDIAN);
            if (h.getInt(0) != ShapefileSource.SHP_MAGIC || Integer.toUnsignedLong(h.getInt(24)) * 2 != shpSize) {
                throw failure(shp, "header does not match the file (" + shpSize + " bytes); it was not finished");
            }
            long end = 100;
            if (count > 0) {
                ByteBuffer e = read(idx, 100 + 8 * (count - 1), 8).order(ByteOrder.BIG_ENDIAN);
                end = Integer.toUnsignedLong(e.getInt(0)) * 2 + 8 + e.getInt(4) * 2L;
            }
            if (end != shpSize) {
                throw failure(shp, "ends at byte " + shpSize + " but its last indexed record ends at " + end);
            }
            ByteBuffer d = read(table, 0, 12).order(ByteOrder.LITTLE_ENDIAN);
            int dbfCount = d.getInt(4);
            if (dbfCount != count) {
                throw failure(dbf, "holds " + dbfCount + " records, the .shx " + count);
            }
            long needed = Short.toUnsignedInt(d.getShort(8)) + count * Short.toUnsignedInt(d.getShort(10));
            if (Files.size(dbf) < needed) {
                throw failure(dbf, "is shorter (" + Files.size(dbf) + " bytes) than its " + count + " records need");
            }
        }
        return count;
    }

    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return b.flip();
    }

    private static void sync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static AssetFailure failure(Path file, String what) {
        return AssetFailure.permanent(ErrorClass.FORMAT, file + ": " + what);
    }
}
