package dev.cairn.raster.job;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoKeyDirectory;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.cog.CogLayout;
import dev.cairn.raster.cog.Compression;
import dev.cairn.raster.cog.Predictor;
import dev.cairn.raster.tiff.NotGeoreferencedException;
import dev.cairn.raster.tiff.TiffImage;
import dev.cairn.raster.warp.ExtentNotTransformableException;
import dev.cairn.raster.warp.GridRequest;
import dev.cairn.raster.warp.OutputGrid;
import dev.cairn.raster.warp.Resampling;
import dev.cairn.raster.warp.WarpSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.crs.ProjectedCRS;

/**
 * Everything the warp job decides about one input before any pixel is warped, derived the same
 * way by the planner and by every window (so that a window can check it works on the plan it was
 * cut from): the source's CRS and the operation to the target, the output grid (gdalwarp's rules,
 * {@link OutputGrid}), the COG's layout, its windows, and the plan key that names the staging file.
 *
 * <p>Windows are runs of whole output blocks along one block row, at most
 * {@value #WINDOW_PIXELS} output pixels each (4 blocks of 512²): a window's working set (the source
 * position of each output pixel, its source pixels as doubles, its output, its compressed tiles)
 * stays around 50 MB for 3-band imagery whatever the image size, so that a 20000² warp runs in
 * {@code -Xmx256m} (with windows of 8 blocks, 9 of 200 windows ran out of heap there), and a kill
 * loses at most the windows in flight.
 */
record WarpPlan(CoordinateReferenceSystem sourceCrs, CrsResolver.Operation operation, OutputGrid grid,
        CogLayout layout, WarpSettings settings, String planKey, List<WindowSpec> windows) {

    /**
     * zlib level of DEFLATE tiles: measured on imagery, level 3 compresses as fast as level 1 and
     * within 0.5 % of level 6 at 1.5× its speed, and about as small as GDAL's own COGs at their
     * default (libdeflate level 6). Part of the plan key: a staging file never mixes levels.
     */
    static final int DEFLATE_LEVEL = 3;

    /**
     * Source pixels a window reads at once, at most: a window needing more (the source's rows
     * under a strip of output blocks, taller where the grids are rotated against each other) is
     * warped in parts by the {@link dev.cairn.raster.warp.Warper}, each reading its own source
     * window. The warper holds them as doubles (8 bytes per sample): 1 M pixels of 3 bands are
     * 24 MB per worker, which keeps a 20000² warp within {@code -Xmx256m}.
     */
    static final long MAX_SOURCE_PIXELS = 1L << 20;

    /** Output pixels per window, at most (a window has at least one block). */
    static final long WINDOW_PIXELS = 1L << 20;

    /**
     * The plan of {@code image} (the input's first full-resolution image) under {@code options};
     * {@code version} is the input's content version (size and mtime, or the URL's ETag), part of
     * the plan key.
     *
     * @throws AssetFailure a CRS failure when the image is not georeferenced, its CRS is unknown,
     *                      or its footprint cannot be mapped into the target CRS; a format failure
     *                      when its sample type cannot be warped
     */
    static WarpPlan of(WarpOptions options, String name, TiffImage image, String version) throws AssetFailure {
        CoordinateReferenceSystem source;
        GeoTransform gt = image.geoTransform().orElse(null);
        try {
            if (gt == null) {
                throw new NotGeoreferencedException(name + ": no geotransform (ModelPixelScale/ModelTiepoint or"
                        + " ModelTransformation)");
            }
            source = image.crs();
        } catch (NotGeoreferencedException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, message(name, e.getMessage())
                    + "; a raster without georeferencing cannot be reprojected", e);
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, message(name, e.getMessage()), e);
        }
        CoordinateReferenceSystem target;
        CrsResolver.Operation op;
        try {
            target = CrsResolver.forCode(options.targetCrs());
            op = CrsResolver.operation(source, target);
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, name + ": " + e.getMessage(), e);
        }
        GridRequest request = GridRequest.DEFAULT;
        if (options.resolution() != null) {
            request = GridRequest.resolution(options.resolution());
        }
        if (options.targetExtent() != null) {
            double[] te = options.targetExtent();
            request = request.withExtent(te[0], te[1], te[2], te[3]);
        }
        OutputGrid grid;
        try {
            grid = OutputGrid.plan(image.width(), image.height(), gt, op.transform(), request);
        } catch (ExtentNotTransformableException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, name + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, name + ": no output grid (" + e.getMessage() + ")", e);
        }
        DataType type = image.dataType();
        Resampling resampling = Resampling.valueOf(options.resampling().toUpperCase(Locale.ROOT));
        WarpSettings settings = WarpSettings.of(resampling).withMaxSourcePixels(MAX_SOURCE_PIXELS);
        boolean alpha = options.alpha() && type == DataType.UINT8;
        if (options.alpha() && type != DataType.UINT8) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, name + ": --alpha is for 8-bit imagery; this raster's samples are "
                    + type.name().toLowerCase(Locale.ROOT) + " (its nodata value marks the outside instead)");
        }
        if (alpha) {
            settings = settings.withAlpha();
        }
        int bands = image.bands() + (alpha ? 1 : 0);
        OptionalDouble nodata = image.nodata();
        GeoKeyDirectory keys = GeoKeyDirectory.forEpsg(epsg(options.targetCrs()), target instanceof ProjectedCRS);
        CogLayout layout = new CogLayout(grid.width(), grid.height(), bands, type, options.blockSize(),
                Compression.valueOf(options.compression().toUpperCase(Locale.ROOT)), Predictor.NONE, nodata,
                grid.geoTransform(), keys, alpha).withDeflateLevel(DEFLATE_LEVEL);
        String key = planKey(options, name, version, grid, bands);
        return new WarpPlan(source, op, grid, layout, settings, key, windows(layout, key));
    }

    /** The output pixels of {@code window} (inside the grid). */
    long pixels(WindowSpec w) {
        int bs = layout.tileSize();
        long width = Math.min((long) w.x1() * bs, grid.width()) - (long) w.x0() * bs;
        long height = Math.min((long) w.y1() * bs, grid.height()) - (long) w.y0() * bs;
        return width * height;
    }

    private static List<WindowSpec> windows(CogLayout layout, String key) {
        int bs = layout.tileSize();
        int across = layout.tilesAcross(0);
        int down = layout.tilesDown(0);
        int perWindow = (int) Math.max(1, Math.min(across, WINDOW_PIXELS / ((long) bs * bs)));
        int perRow = (across + perWindow - 1) / perWindow;
        int total = perRow * down;
        List<WindowSpec> windows = new ArrayList<>(total);
        for (int by = 0; by < down; by++) {
            for (int bx = 0; bx < across; bx += perWindow) {
                windows.add(new WindowSpec(windows.size(), total, bx, by, Math.min(across, bx + perWindow), by + 1, key));
            }
        }
        return windows;
    }

    /** The EPSG number of a canonical code such as {@code EPSG:3857}. */
    private static int epsg(String code) throws AssetFailure {
        String c = code.toUpperCase(Locale.ROOT);
        if (c.startsWith("EPSG:")) {
            try {
                return Integer.parseInt(c.substring(5).trim());
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        throw AssetFailure.permanent(ErrorClass.CRS, "--to " + code + ": a COG's CRS is written as an EPSG code;"
                + " give the target as EPSG:N");
    }

    private static String planKey(WarpOptions options, String name, String version, OutputGrid grid, int bands) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            GeoTransform g = grid.geoTransform();
            String text = options.toSpec().fingerprint() + "\n" + name + "\n" + version + "\n" + grid.width() + "x"
                    + grid.height() + "x" + bands + "\ndeflate-level=" + DEFLATE_LEVEL + "\n" + g.originX() + "," + g.pixelWidth() + "," + g.rotationX() + ","
                    + g.originY() + "," + g.rotationY() + "," + g.pixelHeight();
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A reader's message already names the file; others get it in front. */
    private static String message(String name, String text) {
        return text.startsWith(name) ? text : name + ": " + text;
    }
}
