package dev.cairn.raster.tiles;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.tiff.NotGeoreferencedException;
import dev.cairn.raster.tiff.TiffImage;
import dev.cairn.raster.warp.ExtentNotTransformableException;
import dev.cairn.raster.warp.GridRequest;
import dev.cairn.raster.warp.OutputGrid;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/**
 * Everything a tiles job decides before any pixel is rendered, derived the same way by the
 * planner and by every metatile: each readable source's footprint in Web Mercator, their union,
 * the metatiles that cover it, the zooms each metatile renders, and the plan key that names the
 * staging file.
 *
 * <p><b>The pyramid.</b> A metatile is {@code M × M} tiles of the highest zoom (M = 8, fewer at
 * zooms below 3), aligned on multiples of M, so that it reduces 2×2 at a time, in memory, into
 * exactly one tile of zoom {@code maxZoom − log2 M} (its <i>apex</i>):
 *
 * <pre>
 *   zoom z      8 × 8 tiles  ── warped from the sources (2048² pixels)
 *   zoom z − 1  4 × 4        ── 2×2 reduction of the pixels above, never re-read or re-decoded
 *   zoom z − 2  2 × 2
 *   zoom z − 3  1 (the apex) ── also kept, as raw pixels, in the staging file
 *   zooms below z − 3        ── built from the apexes when the last metatile commits
 *                               (1/64 of the pixels; see {@link StagedTiles})
 * </pre>
 *
 * <p>Metatiles are checkpointed parts; a kill loses only those in flight.
 *
 * @param sources    the readable inputs, in the order given (a later one is drawn over an earlier)
 * @param extent     union of the sources' footprints, EPSG:3857 {minX, minY, maxX, maxY}
 * @param meta       tiles per metatile side at the highest zoom
 * @param apexZoom   zoom of a metatile's single apex tile
 * @param planKey    names the staging file; changes with the spec and with any input's version
 * @param scale      {min, max} shown as 0 and 255: {@code --scale}, else the range of the sources that
 *                   are not 8-bit ({@link SampleRange}), else null (8-bit data shown as it is)
 */
record TilesPlan(TilesOptions options, List<Source> sources, double[] extent, int meta, int apexZoom, String planKey,
        double[] scale) {

    /** Tiles per metatile side at the highest zoom (64 tiles, 2048² pixels of RGBA: 16 MB per worker). */
    static final int META = 8;
    /** Part of the plan key: a staging file never mixes renderings of two versions. */
    static final String RENDERING_VERSION = "tiles-1";

    /** One readable input: its CRS, the operation into EPSG:3857, its footprint there. */
    record Source(String name, String version, CrsResolver.Operation operation, GeoTransform geoTransform, int width,
            int height, DataType type, int bands, double[] extent) {

        boolean overlaps(double minX, double minY, double maxX, double maxY) {
            return extent[0] < maxX && extent[2] > minX && extent[1] < maxY && extent[3] > minY;
        }
    }

    /** Part text of the one asset of a widened job that only adds zooms below the ones made. */
    static final String LOWER_PART = "lower;plan=";

    /**
     * The lowest zoom a metatile renders itself (the zooms below come from the apexes). In a job
     * widened upwards, the zooms already made are not rendered again: the metatiles stop above.
     */
    int lowestMetaZoom() {
        int[] made = options.made();
        int low = Math.max(options.minZoom(), apexZoom);
        return made == null ? low : Math.max(low, made[1] + 1);
    }

    /** The zoom from which the apexes are reduced further (up to apexZoom − 1), or -1 when none is. */
    int lowestApexZoom() {
        int[] made = options.made();
        int low = made == null ? options.minZoom() : made[1] + 1;
        return low < apexZoom && !metatilesAreMade() ? low : -1;
    }

    /** True when the metatiles' zooms are all made already (a job widened downwards only). */
    boolean metatilesAreMade() {
        int[] made = options.made();
        return made != null && made[1] == options.maxZoom();
    }

    /** The part text of the asset adding the zooms below the made ones (a job widened downwards only). */
    String lowerPart() {
        return LOWER_PART + planKey;
    }

    /** The metatiles covering the union, row by row (XYZ metatile coordinates at the highest zoom). */
    List<MetatileSpec> metatiles() {
        if (metatilesAreMade()) {
            return List.of();
        }
        int z = options.maxZoom();
        WebMercatorTiles.TileRange r = WebMercatorTiles.cover(z, extent);
        long mx0 = r.minX() / meta;
        long mx1 = r.maxX() / meta;
        long my0 = r.minY() / meta;
        long my1 = r.maxY() / meta;
        int total = Math.toIntExact((mx1 - mx0 + 1) * (my1 - my0 + 1));
        List<MetatileSpec> out = new ArrayList<>(total);
        for (long my = my0; my <= my1; my++) {
            for (long mx = mx0; mx <= mx1; mx++) {
                out.add(new MetatileSpec(out.size(), total, z, mx, my, planKey));
            }
        }
        return out;
    }

    /** Tiles a metatile renders at {@code zoom} (its share of the cover at that zoom). */
    WebMercatorTiles.TileRange tilesOf(MetatileSpec m, int zoom) {
        int shift = options.maxZoom() - zoom;
        long side = meta >> shift;
        WebMercatorTiles.TileRange all = WebMercatorTiles.cover(zoom, extent);
        long x0 = Math.max(all.minX(), m.mx() * side);
        long y0 = Math.max(all.minY(), m.my() * side);
        long x1 = Math.min(all.maxX(), m.mx() * side + side - 1);
        long y1 = Math.min(all.maxY(), m.my() * side + side - 1);
        return new WebMercatorTiles.TileRange(zoom, x0, y0, x1, y1);
    }

    /** The tiles this metatile is planned to write, at most (for progress). */
    long tileEstimate(MetatileSpec m) {
        long n = 0;
        for (int z = lowestMetaZoom(); z <= options.maxZoom(); z++) {
            WebMercatorTiles.TileRange r = tilesOf(m, z);
            n += options.renders(z) ? Math.max(0, r.count()) : 0;
        }
        return n;
    }

    /**
     * The source's footprint in EPSG:3857 and what the renderer needs of it.
     *
     * @throws AssetFailure a CRS failure naming the input when it is not georeferenced, its CRS is
     *                      unknown or its footprint cannot be mapped into Web Mercator
     */
    static Source source(String name, String version, TiffImage image) throws AssetFailure {
        GeoTransform gt = image.geoTransform().orElse(null);
        CoordinateReferenceSystem crs;
        try {
            if (gt == null) {
                throw new NotGeoreferencedException(name + ": no geotransform (ModelPixelScale/ModelTiepoint or"
                        + " ModelTransformation)");
            }
            crs = image.crs();
        } catch (NotGeoreferencedException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, named(name, e.getMessage())
                    + "; a raster without georeferencing cannot be placed on a web map", e);
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, named(name, e.getMessage()), e);
        }
        CrsResolver.Operation op;
        OutputGrid grid;
        try {
            op = CrsResolver.operation(crs, CrsResolver.forCode("EPSG:3857"));
            grid = OutputGrid.plan(image.width(), image.height(), gt, op.transform(), GridRequest.DEFAULT);
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, name + ": " + e.getMessage(), e);
        } catch (ExtentNotTransformableException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, name + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, name + ": its footprint cannot be mapped into Web Mercator ("
                    + e.getMessage() + ")", e);
        }
        return new Source(name, version, op, gt, image.width(), image.height(), image.dataType(), image.bands(),
                grid.extent());
    }

    /**
     * The plan over the readable {@code sources}; a source whose samples cannot be shown as they
     * are (not 8-bit, no {@code --scale}) or whose bands do not include {@code --bands} fails.
     */
    static TilesPlan of(TilesOptions options, List<Source> sources, double[] sampledRange) throws AssetFailure {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no source");
        }
        double[] u = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        StringBuilder key = new StringBuilder(options.toSpec().fingerprint()).append('\n').append(RENDERING_VERSION);
        for (Source s : sources) {
            check(options, s);
            u[0] = Math.min(u[0], s.extent()[0]);
            u[1] = Math.min(u[1], s.extent()[1]);
            u[2] = Math.max(u[2], s.extent()[2]);
            u[3] = Math.max(u[3], s.extent()[3]);
            key.append('\n').append(s.name()).append('\n').append(s.version());
        }
        double o = WebMercatorTiles.ORIGIN;
        double[] extent = {Math.max(-o, u[0]), Math.max(-o, u[1]), Math.min(o, u[2]), Math.min(o, u[3])};
        int meta = (int) Math.min(META, 1L << options.maxZoom());
        int apexZoom = options.maxZoom() - Integer.numberOfTrailingZeros(meta);
        double[] scale = options.scale() != null ? options.scale() : sampledRange;
        if (scale != null && options.scale() == null) {
            key.append("\nrange=").append(scale[0]).append(',').append(scale[1]);
        }
        return new TilesPlan(options, List.copyOf(sources), extent, meta, apexZoom, sha(key.toString()), scale);
    }

    /** Fails a source that cannot be shown as asked, naming it and the option to give. */
    static void check(TilesOptions options, Source s) throws AssetFailure {
        if (options.bands() != null) {
            for (int b : options.bands()) {
                if (b > s.bands()) {
                    throw AssetFailure.permanent(ErrorClass.FORMAT, s.name() + ": --bands asks for band " + b
                            + " of a raster with " + s.bands());
                }
            }
        }
    }

    /** The 0-based bands shown of a source with {@code bands} bands (see {@link TilesOptions#bands()}). */
    static int[] shownBands(TilesOptions options, int bands, int alphaBand) {
        if (options.bands() != null) {
            int[] b = new int[options.bands().length];
            for (int i = 0; i < b.length; i++) {
                b[i] = options.bands()[i] - 1;
            }
            return b;
        }
        int colour = alphaBand >= 0 ? bands - 1 : bands;
        return colour >= 3 ? new int[] {0, 1, 2} : new int[] {0};
    }

    private static String sha(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String named(String name, String message) {
        return message.startsWith(name) ? message : name + ": " + message;
    }
}
