package dev.cairn.raster.tiles;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AssetProcessor;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.JobHome;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.PlanningException;
import dev.cairn.engine.ProcessContext;
import dev.cairn.engine.StagingLock;
import dev.cairn.engine.PublishedMarkers;
import dev.cairn.engine.StagedSqliteOutput;
import dev.cairn.raster.io.ByteSources;
import dev.cairn.raster.io.RemoteSourceException;
import dev.cairn.raster.io.SourceChangedException;
import dev.cairn.raster.job.OpenInputs;
import dev.cairn.raster.tiff.TiffFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders one metatile ({@link MetatileRenderer}), reduces it zoom by zoom in memory, encodes its
 * non-empty tiles as PNG, all <i>before</i> touching the staging file; then commits them (an XYZ
 * folder: writes them as files first) with the metatile's apex and marker in one transaction
 * ({@link StagedTiles}, exactly once); the metatile completing the plan publishes the tile set
 * ({@link TilesPublisher}).
 *
 * <p><b>Crash cases</b>, with the checkpoint store marking a metatile done only after its commit:
 * <ol>
 *   <li>Killed while rendering or encoding: nothing was written; the metatile is redone.</li>
 *   <li>Killed while writing XYZ tile files: each file is whole or absent (temp, fsync, rename);
 *       the redo writes them all again.</li>
 *   <li>Killed inside the commit: SQLite rolls it back; the metatile is redone.</li>
 *   <li>Killed after the commit, before the checkpoint: the redo renders again, finds its marker
 *       and inserts nothing (no tile twice), then publishes if that was left to do.</li>
 *   <li>Killed while publishing: the staging file is FINALISED; any redone metatile publishes
 *       ({@link TilesPublisher} is idempotent).</li>
 *   <li>Killed after the output's rename, before the staging file went: the published mark says
 *       the tile set is complete; the metatile is done without a new staging file.</li>
 * </ol>
 *
 * <p>The plan ({@link TilesPlanner#derive}: every input's header) is derived once per process,
 * on the first metatile, and every metatile checks its plan key against it: a metatile of an
 * older plan (an input changed since) fails, and the next run re-plans. Thread-safe.
 */
final class TilesProcessor implements AssetProcessor {
    private final TilesOptions options;
    private final ByteSources sources;
    private final OpenInputs inputs;
    private volatile TilesPlanner.Derived derived;

    TilesProcessor(TilesOptions options, ByteSources sources) {
        this.options = options;
        this.sources = sources;
        this.inputs = new OpenInputs(sources);
    }

    private TilesPlanner.Derived derived() throws AssetFailure {
        TilesPlanner.Derived d = derived;
        if (d == null) {
            synchronized (this) {
                d = derived;
                if (d == null) {
                    try {
                        d = TilesPlanner.derive(options, TilesPlanner.inputs(options), sources);
                    } catch (PlanningException e) {
                        throw AssetFailure.permanent(ErrorClass.IO, e.getMessage() + " Run the command again to re-plan.", e);
                    }
                    derived = d;
                }
            }
        }
        return d;
    }

    @Override
    public Outcome process(Asset asset, ProcessContext ctx) throws AssetFailure, IOException {
        TilesPlanner.Derived d = derived();
        if (asset.part() == null) {
            AssetFailure why = d.unusable().get(asset.input());
            if (why != null) {
                throw why;
            }
            throw AssetFailure.permanent(ErrorClass.IO, asset.input() + ": readable now, but not when the job was"
                    + " planned; run the command again to add it to the tile set");
        }
        boolean lower = asset.part().startsWith(TilesPlan.LOWER_PART);
        MetatileSpec m = lower ? null : MetatileSpec.parse(asset.part());
        String key = lower ? asset.part().substring(TilesPlan.LOWER_PART.length()) : m.planKey();
        TilesPlan plan = d.plan();
        if (plan == null || !plan.planKey().equals(key)) {
            throw AssetFailure.permanent(ErrorClass.IO, "the inputs changed since the job was planned (an input's"
                    + " content version differs, or one came or went); run the command again to re-plan the tile set");
        }
        try {
            return render(asset, m, plan, ctx);
        } catch (TiffFormatException e) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, e.getMessage(), e);
        } catch (RemoteSourceException e) {
            throw new AssetFailure(ErrorClass.IO, e.getMessage(), !e.isPermanent(), e);
        } catch (SourceChangedException e) {
            throw AssetFailure.permanent(ErrorClass.IO, e.getMessage() + "; run the command again to re-plan it", e);
        } catch (NoSuchFileException e) {
            throw AssetFailure.permanent(ErrorClass.IO, e.getFile() + ": input no longer exists (it was there when the"
                    + " job was planned)", e);
        }
    }

    private Outcome render(Asset asset, MetatileSpec m, TilesPlan plan, ProcessContext ctx)
            throws AssetFailure, IOException {
        Path output = Path.of(asset.output());
        Path staging = AtomicFiles.stagingFor(output, plan.planKey());
        Path mark = PublishedMarkers.marker(JobHome.of(options.output()), plan.planKey());
        if (PublishedMarkers.isPublished(mark, staging, output)) {
            return new Outcome(0, 0, AtomicFiles.checksum(output));
        }
        if (options.made() != null && options.target() != TilesOptions.Target.XYZ && !Files.exists(staging)
                && !Files.exists(output)) {
            throw AssetFailure.permanent(ErrorClass.IO, output + ": this job adds zooms " + zooms(options)
                    + " to the tiles an earlier run made, but that file is gone; run the command again with --fresh"
                    + " to make every zoom");
        }
        List<StagedTiles.Tile> tiles = new ArrayList<>();
        RgbaImage apex = null;
        if (m != null) {
            apex = renderMetatile(m, plan, tiles, ctx);
        }
        ctx.progress(tiles.size());
        ctx.checkStop();
        boolean xyz = options.target() == TilesOptions.Target.XYZ;
        if (xyz) {
            XyzFolder folder = new XyzFolder(options.output(), options.tms(), ctx.attempt());
            for (StagedTiles.Tile t : tiles) {
                folder.write(t.z(), t.x(), t.y(), t.png());
            }
            folder.sync();
        }
        Files.createDirectories(staging.getParent());
        Files.createDirectories(mark.getParent().getParent());
        int index = m == null ? 0 : m.index();
        int total = m == null ? 1 : m.total();
        int tempId = 1000 * (index + 1) + ctx.attempt();
        boolean publish;
        String checksum = null;
        try (StagingLock lock = ctx.lockStaging(staging.toString())) {
            // the staging file and its publication, one writer at a time on every machine (StagingLock)
            try (StagedTiles stage = StagedTiles.open(staging)) {
                StagedSqliteOutput.ChunkCommit done = stage.commit(asset.id(), index, total, xyz ? List.of() : tiles,
                        m == null ? 0 : m.mx(), m == null ? 0 : m.my(), apex, OutputSeed.of(plan), ctx.workerId(),
                        ctx.attempt());
                publish = done.finalised();
                if (publish) {
                    TilesPublisher.finish(stage, plan, tempId);
                }
            } catch (SQLException e) {
                throw AssetFailure.transientFailure(ErrorClass.IO, staging + ": cannot write the staging file ("
                        + e.getMessage() + ")", e);
            }
            if (publish) {
                checksum = TilesPublisher.publish(plan, staging, output, mark, tempId);
                for (String suffix : new String[] {"", "-journal", "-wal", "-shm"}) {
                    Files.deleteIfExists(staging.resolveSibling(staging.getFileName() + suffix));
                }
                AtomicFiles.removeStaleStaging(output, plan.planKey());
            }
        }
        return new Outcome(tiles.size(), 0, checksum);
    }

    private static String zooms(TilesOptions o) {
        StringBuilder sb = new StringBuilder();
        for (int z = o.minZoom(); z <= o.maxZoom(); z++) {
            if (o.renders(z)) {
                sb.append(sb.length() == 0 ? "" : ",").append(z);
            }
        }
        return sb.toString();
    }

    /**
     * Renders metatile {@code m} and reduces it zoom by zoom, adding the non-empty tiles of the
     * zooms this job renders to {@code tiles}; returns its apex when the zooms below are built
     * from apexes, else null.
     */
    private RgbaImage renderMetatile(MetatileSpec m, TilesPlan plan, List<StagedTiles.Tile> tiles, ProcessContext ctx)
            throws IOException, AssetFailure {
        RgbaImage metatile = MetatileRenderer.render(plan, m, inputs, ctx);
        ctx.checkStop();
        boolean nearest = "nearest".equals(options.resampling());
        RgbaImage level = metatile;
        RgbaImage apex = null;
        int size = WebMercatorTiles.TILE_SIZE;
        for (int z = options.maxZoom(); z >= plan.lowestMetaZoom(); z--) {
            long side = plan.meta() >> (options.maxZoom() - z);
            WebMercatorTiles.TileRange r = plan.tilesOf(m, z);
            for (long y = r.minY(); options.renders(z) && y <= r.maxY(); y++) {
                for (long x = r.minX(); x <= r.maxX(); x++) {
                    RgbaImage tile = level.crop((int) (x - m.mx() * side) * size, (int) (y - m.my() * side) * size, size);
                    if (!tile.isEmpty()) {
                        tiles.add(new StagedTiles.Tile(z, x, y, PngTiles.encode(tile)));
                    }
                }
            }
            if (z == plan.apexZoom()) {
                apex = plan.lowestApexZoom() >= 0 ? level : null;
            } else if (z > plan.lowestMetaZoom()) {
                level = level.halve(nearest);
            }
        }
        return apex;
    }

    /** Closes the inputs no metatile holds (end of a run). */
    void closeIdle() throws IOException {
        inputs.closeIdle();
    }
}
