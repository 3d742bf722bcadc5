package dev.cairn.raster.tiles;

import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.PublishedMarkers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a finalised tile staging file ({@link StagedTiles}: every metatile in) into the output,
 * in two steps, each idempotent because a crash may come anywhere:
 *
 * <ol>
 *   <li>{@link #finish}, with the staging file open, in one transaction: the zooms below the
 *       metatiles, built from their apexes (each 2×2 block of tiles reduced to one, depth first,
 *       so at most a few tiles per zoom are held) — and, in a job that widened an earlier one
 *       downwards, the new zooms below the ones made, reduced from the lowest made zoom's tiles —
 *       the MBTiles metadata, and the apex table dropped — its absence says this step is done. Killed inside it, the transaction rolls
 *       back (tiles of an XYZ folder written meanwhile are rewritten whole by the next attempt).</li>
 *   <li>{@link #publish}, with the staging file closed: the published mark first, then an MBTiles
 *       output is the staging file renamed; a PMTiles output is exported from it into a temp
 *       file and renamed; an XYZ folder gets its {@code metadata.json} (TileJSON) renamed into
 *       place, the last file of the folder. Killed after the mark, any redone metatile finds the
 *       staging file finalised and publishes again; killed after the rename, the mark and the
 *       output tell it that all is done.</li>
 * </ol>
 */
final class TilesPublisher {
    /** The XYZ folder's description, written last: its presence says the folder is complete. */
    static final String XYZ_METADATA = "metadata.json";

    private TilesPublisher() {
    }

    /** Step 1 (see the class comment); {@code attempt} names an XYZ folder's temp files. */
    static void finish(StagedTiles stage, TilesPlan plan, int attempt) throws SQLException, IOException {
        stage.inTransaction(() -> {
            if (!stage.hasApexes()) {
                return;
            }
            TilesOptions o = plan.options();
            XyzFolder folder = o.target() == TilesOptions.Target.XYZ ? new XyzFolder(o.output(), o.tms(), attempt) : null;
            LowerZooms lower = new LowerZooms(stage, plan, folder);
            int fromApexes = plan.lowestApexZoom();
            if (fromApexes >= 0) {
                lower.build(fromApexes, plan.apexZoom(), stage::apex);
            }
            int[] made = plan.options().made();
            if (made != null && plan.options().minZoom() < made[0]) {
                lower.build(plan.options().minZoom(), made[0], (x, y) -> madeTile(stage, plan, folder, made[0], x, y));
            }
            lower.flush();
            if (folder != null) {
                folder.sync();
            }
            stage.finish(metadata(plan));
        });
    }

    /**
     * Step 2 (see the class comment): {@code staging} is closed; {@code output} is what the
     * assets name (the tile file, or the folder's metadata.json). Returns the output's checksum.
     */
    static String publish(TilesPlan plan, Path staging, Path output, Path mark, int tempId) throws IOException {
        TilesOptions o = plan.options();
        if (PublishedMarkers.isPublished(mark, staging, output)) {
            return AtomicFiles.checksum(output);
        }
        AtomicFiles.removeLeftovers(output);
        switch (o.target()) {
            case MBTILES -> {
                PublishedMarkers.mark(mark, output);
                try {
                    return AtomicFiles.commit(staging, output);
                } catch (NoSuchFileException raced) { // another worker renamed it a moment ago
                    if (PublishedMarkers.isPublished(mark, staging, output)) {
                        return AtomicFiles.checksum(output);
                    }
                    throw raced;
                }
            }
            case PMTILES -> {
                Path temp = AtomicFiles.tempFor(output, tempId);
                try {
                    PmtilesExport.export(staging, temp);
                    PublishedMarkers.mark(mark, output);
                    return AtomicFiles.commit(temp, output);
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            default -> {
                XyzFolder.sweep(o.output());
                Path temp = AtomicFiles.tempFor(output, tempId);
                try {
                    Files.writeString(temp, tileJson(plan), StandardCharsets.UTF_8);
                    PublishedMarkers.mark(mark, output);
                    return AtomicFiles.commit(temp, output);
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    /** The MBTiles 1.3 metadata of the tile set. */
    static Map<String, String> metadata(TilesPlan plan) {
        TilesOptions o = plan.options();
        double[] b = bounds(plan);
        String name = o.output().getFileName().toString().replaceFirst("\\.[A-Za-z]+$", "");
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("format", "png");
        m.put("type", "overlay");
        m.put("version", "1.1");
        m.put("description", "made by cairn tiles from " + plan.sources().size() + " GeoTIFF"
                + (plan.sources().size() == 1 ? "" : "s"));
        m.put("minzoom", Integer.toString(o.minZoom()));
        m.put("maxzoom", Integer.toString(o.maxZoom()));
        m.put("bounds", String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.6f", b[0], b[1], b[2], b[3]));
        m.put("center", String.format(Locale.ROOT, "%.6f,%.6f,%d", (b[0] + b[2]) / 2, (b[1] + b[3]) / 2, o.minZoom()));
        return m;
    }

    /** The union of the sources' footprints in degrees {west, south, east, north}. */
    static double[] bounds(TilesPlan plan) {
        double[] e = plan.extent();
        return new double[] {WebMercatorTiles.lon(e[0]), WebMercatorTiles.lat(e[1]), WebMercatorTiles.lon(e[2]),
                WebMercatorTiles.lat(e[3])};
    }

    /** TileJSON 3.0.0 of an XYZ folder (written by hand: ten fixed fields, numbers and plain names). */
    static String tileJson(TilesPlan plan) {
        TilesOptions o = plan.options();
        double[] b = bounds(plan);
        return String.format(Locale.ROOT, """
                {"tilejson": "3.0.0", "tiles": ["{z}/{x}/{y}.png"], "scheme": "%s", "format": "png",
                 "minzoom": %d, "maxzoom": %d, "bounds": [%.6f, %.6f, %.6f, %.6f],
                 "center": [%.6f, %.6f, %d], "description": "made by cairn tiles from %d GeoTIFF(s)"}
                """, o.tms() ? "tms" : "xyz", o.minZoom(), o.maxZoom(), b[0], b[1], b[2], b[3], (b[0] + b[2]) / 2,
                (b[1] + b[3]) / 2, o.minZoom(), plan.sources().size());
    }

    /**
     * A tile the earlier job made (a job widened downwards reduces them into the new lower zooms):
     * the only place tiles are decoded from PNG, one zoom's worth, once.
     */
    private static RgbaImage madeTile(StagedTiles stage, TilesPlan plan, XyzFolder folder, int z, long x, long y)
            throws SQLException, IOException {
        byte[] png;
        if (folder != null) {
            Path file = XyzFolder.tilePath(plan.options().output(), plan.options().tms(), z, x, y);
            png = Files.exists(file) ? Files.readAllBytes(file) : null;
        } else {
            png = stage.tile(z, x, y);
        }
        return png == null ? null : PngTiles.decode(png);
    }

    /** Where the pixels of the lowest zoom a build starts from come from. */
    @FunctionalInterface
    interface Leaves {
        RgbaImage tile(long x, long y) throws SQLException, IOException;
    }

    /** Zooms built from the tiles of a higher one, depth first, so that only a few tiles per zoom are held. */
    private static final class LowerZooms {
        private final StagedTiles stage;
        private final TilesPlan plan;
        private final XyzFolder folder;
        private final boolean nearest;
        private final List<StagedTiles.Tile> batch = new ArrayList<>();

        LowerZooms(StagedTiles stage, TilesPlan plan, XyzFolder folder) {
            this.stage = stage;
            this.plan = plan;
            this.folder = folder;
            this.nearest = "nearest".equals(plan.options().resampling());
        }

        /** Writes zooms {@code top .. leafZoom - 1}, each tile reduced from the four below it. */
        void build(int top, int leafZoom, Leaves leaves) throws SQLException, IOException {
            WebMercatorTiles.TileRange range = WebMercatorTiles.cover(top, plan.extent());
            for (long y = range.minY(); y <= range.maxY(); y++) {
                for (long x = range.minX(); x <= range.maxX(); x++) {
                    tile(top, x, y, leafZoom, leaves);
                }
            }
        }

        /** The pixels of tile (z, x, y), written unless empty; null when nothing is under it. */
        private RgbaImage tile(int z, long x, long y, int leafZoom, Leaves leaves) throws SQLException, IOException {
            if (z == leafZoom) {
                return leaves.tile(x, y);
            }
            WebMercatorTiles.TileRange below = WebMercatorTiles.cover(z + 1, plan.extent());
            int size = WebMercatorTiles.TILE_SIZE;
            RgbaImage mosaic = null;
            for (int dy = 0; dy < 2; dy++) {
                for (int dx = 0; dx < 2; dx++) {
                    long cx = 2 * x + dx;
                    long cy = 2 * y + dy;
                    if (!below.contains(cx, cy)) {
                        continue;
                    }
                    RgbaImage child = tile(z + 1, cx, cy, leafZoom, leaves);
                    if (child != null) {
                        mosaic = mosaic == null ? new RgbaImage(2 * size, 2 * size) : mosaic;
                        mosaic.place(child, dx * size, dy * size);
                    }
                }
            }
            if (mosaic == null) {
                return null;
            }
            RgbaImage img = mosaic.halve(nearest);
            if (!img.isEmpty()) {
                byte[] png = PngTiles.encode(img);
                if (folder != null) {
                    folder.write(z, x, y, png);
                } else {
                    batch.add(new StagedTiles.Tile(z, x, y, png));
                    if (batch.size() >= 256) {
                        flush();
                    }
                }
            }
            return img;
        }

        void flush() throws SQLException {
            stage.put(batch);
            batch.clear();
        }
    }
}
