package dev.cairn.raster.tiles;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.ProcessContext;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.job.OpenInputs;
import dev.cairn.raster.job.TiffWarpSource;
import dev.cairn.raster.tiff.TiffImage;
import dev.cairn.raster.warp.OutputGrid;
import dev.cairn.raster.warp.Resampling;
import dev.cairn.raster.warp.WarpSettings;
import dev.cairn.raster.warp.Warper;
import java.io.IOException;
import java.util.Locale;

/**
 * Warps the sources under one metatile into its RGBA pixels at the highest zoom: each source
 * overlapping the metatile through the warp job's {@link Warper} (same kernels, same bounded
 * source reads, an alpha band for where the source has data), in strips of {@value #STRIP}
 * rows, mapped to RGBA by the job's bands and scale, a later source drawn over an earlier one.
 * Only the rows and columns the source's footprint touches are warped.
 */
final class MetatileRenderer {
    /** Rows warped at once: bounds the warper's working set (2048 × 256 pixels of doubles per band). */
    static final int STRIP = 256;
    /** Source pixels one warp call reads at once, at most (as the warp job's windows). */
    static final long MAX_SOURCE_PIXELS = 1L << 20;

    private MetatileRenderer() {
    }

    static RgbaImage render(TilesPlan plan, MetatileSpec m, OpenInputs inputs, ProcessContext ctx)
            throws IOException, AssetFailure {
        int z = plan.options().maxZoom();
        int tile = WebMercatorTiles.TILE_SIZE;
        int size = plan.meta() * tile;
        double res = WebMercatorTiles.resolution(z);
        double west = WebMercatorTiles.west(z, m.mx() * plan.meta());
        double north = WebMercatorTiles.north(z, m.my() * plan.meta());
        double east = west + size * res;
        double south = north - size * res;
        RgbaImage image = new RgbaImage(size, size);
        OutputGrid grid = new OutputGrid(new GeoTransform(west, res, 0, north, 0, -res), size, size);
        WarpSettings settings = WarpSettings.of(Resampling.valueOf(plan.options().resampling().toUpperCase(Locale.ROOT)))
                .withMaxSourcePixels(MAX_SOURCE_PIXELS).withAlpha();
        for (TilesPlan.Source s : plan.sources()) {
            if (!s.overlaps(west, south, east, north)) {
                continue;
            }
            // the footprint's pixels in the metatile, one pixel of margin for the kernels' reach
            int x0 = clamp((int) Math.floor((s.extent()[0] - west) / res) - 1, size);
            int x1 = clamp((int) Math.ceil((s.extent()[2] - west) / res) + 1, size);
            int y0 = clamp((int) Math.floor((north - s.extent()[3]) / res) - 1, size);
            int y1 = clamp((int) Math.ceil((north - s.extent()[1]) / res) + 1, size);
            if (x0 >= x1 || y0 >= y1) {
                continue;
            }
            try (OpenInputs.Lease input = inputs.acquire(s.name())) {
                if (!input.version().equals(s.version())) {
                    throw AssetFailure.permanent(ErrorClass.IO, s.name() + ": changed since the job was planned (its"
                            + " content version differs); run the command again to re-plan it");
                }
                TiffImage tiff = input.reader().image();
                Warper warper = new Warper(new TiffWarpSource(tiff, s.geoTransform()), s.operation().transform(), grid,
                        settings);
                RgbaImage.BandMap map = bandMap(plan, s, tiff.alphaBand());
                for (int y = y0; y < y1; y += STRIP) {
                    ctx.checkStop();
                    PixelBuffer strip = warper.warp(x0, y, x1 - x0, Math.min(STRIP, y1 - y));
                    image.paint(strip, x0, y, map);
                }
            }
        }
        return image;
    }

    /** How the source's bands become RGBA (see {@link TilesOptions#bands()} and {@link TilesPlan#scale()}). */
    static RgbaImage.BandMap bandMap(TilesPlan plan, TilesPlan.Source s, int tiffAlpha) {
        boolean scaled = plan.scale() != null && (s.type() != dev.cairn.raster.DataType.UINT8 || plan.options().scale() != null);
        double min = scaled ? plan.scale()[0] : 0;
        double max = scaled ? plan.scale()[1] : 0;
        int alpha = plan.options().bands() == null ? tiffAlpha : -1;
        return new RgbaImage.BandMap(TilesPlan.shownBands(plan.options(), s.bands(), tiffAlpha), alpha, min, max);
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(size, v));
    }
}
