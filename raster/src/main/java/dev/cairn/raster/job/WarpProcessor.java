package dev.cairn.raster.job;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AssetProcessor;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.ProcessContext;
import dev.cairn.engine.StagingLock;
import dev.cairn.engine.PublishedMarkers;
import dev.cairn.engine.StagedSqliteOutput;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.cog.CogLayout;
import dev.cairn.raster.cog.Resampling;
import dev.cairn.raster.cog.TileEncoder;
import dev.cairn.raster.io.ByteSources;
import dev.cairn.raster.io.RemoteSourceException;
import dev.cairn.raster.io.SourceChangedException;
import dev.cairn.raster.tiff.GeoTiffReader;
import dev.cairn.raster.tiff.TiffFormatException;
import dev.cairn.raster.tiff.TiffImage;
import dev.cairn.raster.warp.Warper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Warps one window of one output (or, for an input that could not be planned, all of its windows or
 * the reason it cannot be read): reads
 * the source pixels the window needs (only those blocks, through the reader's bounded cache, local
 * or by HTTP range requests), warps them ({@link Warper}), cuts the result into the COG's tiles and
 * compresses them, all <i>before</i> touching the staging file; then commits the tiles and the
 * window's marker in one transaction ({@link StagedCog}, exactly once), and if that completes the
 * output, publishes the COG ({@link CogPublisher}).
 *
 * <p><b>Crash cases</b>, with the checkpoint store marking a window done only after its commit:
 * <ol>
 *   <li>Killed while warping or compressing: nothing was written; the window is redone.</li>
 *   <li>Killed inside the commit: SQLite rolls it back; the window is redone.</li>
 *   <li>Killed after the commit, before the checkpoint: the redo warps again, finds its marker and
 *       inserts nothing (no tile twice), then publishes if that was left to do.</li>
 *   <li>Killed while publishing: the staging file is FINALISED; any redone window publishes
 *       ({@link CogPublisher} is idempotent).</li>
 *   <li>Killed after the output's rename, before the staging file went: the published mark says
 *       the output is complete; the window is done without a new staging file.</li>
 * </ol>
 *
 * <p>Windows of one input share its open reader and block cache ({@link OpenInputs}), so source
 * blocks under two windows are mostly decoded once.
 *
 * <p>Every window re-derives the input's plan ({@link WarpPlan}) from the input as it is now and
 * refuses to run when its plan key differs (the input changed since planning): the next run
 * re-plans it under a new staging file. Thread-safe: windows of one output run on many workers.
 */
final class WarpProcessor implements AssetProcessor {
    private final WarpOptions options;
    private final OpenInputs inputs;

    WarpProcessor(WarpOptions options, ByteSources sources) {
        this.options = options;
        this.inputs = new OpenInputs(sources);
    }

    @Override
    public Outcome process(Asset asset, ProcessContext ctx) throws AssetFailure, IOException {
        WindowSpec window = asset.part() == null ? null : WindowSpec.parse(asset.part());
        String name = asset.input();
        try (OpenInputs.Lease input = inputs.acquire(name)) {
            GeoTiffReader reader = input.reader();
            String version = input.version();
            if (!WarpOptions.isUrl(name) && changedSincePlanned(Path.of(name), asset)) {
                throw AssetFailure.permanent(ErrorClass.IO, name + ": changed since the job was planned (size or"
                        + " modification time); run the command again to re-plan it");
            }
            TiffImage image = reader.image();
            WarpPlan plan = WarpPlan.of(options, name, image, version);
            if (window == null) {
                return warpWhole(asset, plan, reader.image(), ctx);
            }
            if (!plan.planKey().equals(window.planKey())) {
                throw AssetFailure.permanent(ErrorClass.IO, name + ": changed since the job was planned (its content"
                        + " version or output grid differ); run the command again to re-plan it");
            }
            return warpWindow(asset, window, plan, image, ctx);
        } catch (TiffFormatException e) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, named(name, e.getMessage()), e);
        } catch (RemoteSourceException e) {
            throw new AssetFailure(ErrorClass.IO, e.getMessage(), !e.isPermanent(), e);
        } catch (SourceChangedException e) {
            throw AssetFailure.permanent(ErrorClass.IO, e.getMessage() + "; run the command again to re-plan it", e);
        } catch (NoSuchFileException e) {
            throw AssetFailure.permanent(ErrorClass.IO, name + ": input no longer exists (it was there when the job"
                    + " was planned)", e);
        }
    }

    private static boolean changedSincePlanned(Path input, Asset asset) throws IOException {
        var attrs = Files.readAttributes(input, java.nio.file.attribute.BasicFileAttributes.class);
        return attrs.size() != asset.inputSize() || attrs.lastModifiedTime().toMillis() != asset.inputMtimeMillis();
    }

    /**
     * An input that could not be planned (unreadable then, e.g. a server that was down) but is
     * readable now: its windows, as planned now, one after the other in this asset, each committed
     * with its own marker exactly as a window asset would be, so that a kill still loses only the
     * window in flight.
     */
    private Outcome warpWhole(Asset asset, WarpPlan plan, TiffImage image, ProcessContext ctx)
            throws AssetFailure, IOException {
        long pixels = 0;
        String checksum = null;
        for (WindowSpec w : plan.windows()) {
            Asset part = new Asset(asset.id() + "#window[" + w.index() + "]", asset.input(), w.toPart(), asset.output(),
                    asset.inputSize(), asset.inputMtimeMillis());
            Outcome o = warpWindow(part, w, plan, image, ctx);
            pixels += o.items();
            checksum = o.checksum() != null ? o.checksum() : checksum;
        }
        return new Outcome(pixels, 0, checksum);
    }

    private Outcome warpWindow(Asset asset, WindowSpec window, WarpPlan plan, TiffImage image, ProcessContext ctx)
            throws AssetFailure, IOException {
        Path output = Path.of(asset.output());
        Path staging = AtomicFiles.stagingFor(output, plan.planKey());
        Path mark = PublishedMarkers.marker(options.outDir(), plan.planKey());
        long pixels = plan.pixels(window);
        if (PublishedMarkers.isPublished(mark, staging, output)) {
            return new Outcome(pixels, 0, AtomicFiles.checksum(output));
        }
        List<StagedCog.Tile> tiles = warpAndEncode(window, plan, image, ctx);
        ctx.progress(pixels);
        ctx.checkStop();
        Files.createDirectories(output.getParent());
        String checksum = null;
        try (StagingLock lock = ctx.lockStaging(staging.toString())) {
            // the staging file and its publication, one writer at a time on every machine (StagingLock)
            try (StagedCog stage = StagedCog.open(staging)) {
                StagedSqliteOutput.ChunkCommit done = stage.commitWindow(asset.id(), window, tiles, ctx.workerId(), ctx.attempt());
                if (done.finalised()) {
                    Resampling overviews = "nearest".equals(options.resampling()) ? Resampling.NEAREST : Resampling.AVERAGE;
                    checksum = CogPublisher.publish(stage, output, plan.layout(), overviews, mark,
                            1000 * (window.index() + 1) + ctx.attempt());
                }
            } catch (SQLException e) {
                throw AssetFailure.transientFailure(ErrorClass.IO, staging + ": cannot write the staging file ("
                        + e.getMessage() + ")", e);
            }
            if (checksum != null) {
                for (String suffix : new String[] {"", "-journal", "-wal", "-shm"}) {
                    Files.deleteIfExists(staging.resolveSibling(staging.getFileName() + suffix));
                }
                AtomicFiles.removeStaleStaging(output, plan.planKey());
            }
        }
        return new Outcome(pixels, 0, checksum);
    }

    /** The window's output pixels, warped in one pass, cut into the layout's tiles and compressed. */
    private List<StagedCog.Tile> warpAndEncode(WindowSpec window, WarpPlan plan, TiffImage image, ProcessContext ctx)
            throws IOException {
        CogLayout layout = plan.layout();
        int bs = layout.tileSize();
        int x = window.x0() * bs;
        int y = window.y0() * bs;
        int w = Math.min(window.x1() * bs, layout.width()) - x;
        int h = Math.min(window.y1() * bs, layout.height()) - y;
        Warper warper = new Warper(new TiffWarpSource(image, image.geoTransform().orElseThrow()),
                plan.operation().transform(), plan.grid(), plan.settings());
        PixelBuffer pixels = warper.warp(x, y, w, h);
        ctx.checkStop();
        TileEncoder encoder = TileEncoder.forLayout(layout);
        List<StagedCog.Tile> tiles = new ArrayList<>(window.blocks());
        for (int ty = window.y0(); ty < window.y1(); ty++) {
            for (int tx = window.x0(); tx < window.x1(); tx++) {
                PixelBuffer tile = PixelBuffer.allocate(layout.type(), bs, bs, layout.bands());
                tile.fill(layout.padValue());
                int ox = tx * bs - x;
                int oy = ty * bs - y;
                tile.copyFrom(pixels, ox, oy, Math.min(bs, w - ox), Math.min(bs, h - oy), 0, 0);
                tiles.add(new StagedCog.Tile(tx, ty, encoder.encode(tile)));
            }
        }
        return tiles;
    }

    private static String named(String name, String message) {
        return message.startsWith(name) ? message : name + ": " + message;
    }
}
