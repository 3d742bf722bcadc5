package dev.cairn.raster.warp;

import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import java.io.IOException;
import java.util.OptionalDouble;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.NoninvertibleTransformException;

/**
 * Produces any window of an {@link OutputGrid} from a {@link WarpSource} by inverse mapping, like
 * gdalwarp: every output pixel centre is mapped to source pixel/line space (one scanline at a
 * time through {@link ApproxTransform}, within {@link WarpSettings#errorThreshold()} source
 * pixels), the source window those positions need (plus the kernel's reach: nearest 0,
 * bilinear 1, cubic 2, more when their filter is stretched for downsampling, average the
 * footprint) is read <em>once</em>, and the {@link Kernels} fill a {@link PixelBuffer} of the
 * source's type.
 *
 * <pre>
 *   output window (x0, y0, w, h) ──approx. inverse map──▶ source positions ──bounds + reach──▶
 *   WarpSource.read(sx, sy, sw, sh) ──▶ doubles + validity ──kernel, row by row──▶ typed output
 * </pre>
 *
 * <p><b>What an output pixel holds.</b> Data where its centre (for average: its footprint) falls
 * on valid source data; otherwise the fill value: the source's nodata when it has one, else 0
 * (gdalwarp's defaults). Source nodata pixels never contribute (GDAL's unified source nodata).
 * With {@link WarpSettings#alpha()} the output has one more band, of the source's type: 255 where the
 * pixel has data, 0 where not. Integer results are clamped and rounded half up as GDAL does.
 *
 * <p><b>Bounded memory.</b> When a window needs more than {@link WarpSettings#maxSourcePixels()}
 * source pixels (strong downsampling), it is split in halves, recursively, each half reading its
 * own source window. Per window the working set is the source window as doubles (8 bytes per
 * sample) plus two doubles per output pixel.
 *
 * <p><b>Agreement with gdalwarp.</b> Without approximation (error threshold 0 on both sides)
 * nearest, bilinear and cubic are bit-identical to {@code gdalwarp -et 0}, nodata included;
 * with the default threshold they differ as much as gdalwarp's own approximation differs from
 * its exact mode (the two approximations cut scanlines differently).
 *
 * <p><b>Thread-safety.</b> Immutable and thread-safe: one Warper per output, windows on as many
 * threads as wanted, provided {@link WarpSource#read} may be called concurrently. Each call
 * allocates its own scratch (no per-pixel allocation).
 */
public final class Warper {

    private final WarpSource source;
    private final OutputGrid grid;
    private final WarpSettings options;
    private final PixelTransform toSource;
    private final int dataBands;
    private final double fill;
    /** Output pixels per source pixel along x and y, as GDAL's warp kernel computes them (see {@link #kernelScales}). */
    private final double xScale, yScale;

    /**
     * @param sourceToTarget source CRS → target CRS, x = east on both sides (e.g.
     *                       {@code CrsResolver.operation(src, dst).transform()}); inverted here
     * @throws IllegalArgumentException when the transform cannot be inverted
     */
    public Warper(WarpSource source, MathTransform sourceToTarget, OutputGrid grid, WarpSettings options) {
        this.source = source;
        this.grid = grid;
        this.options = options;
        this.dataBands = source.bands();
        this.fill = source.nodata().orElse(0);
        try {
            this.toSource = PixelTransform.targetPixelToSourcePixel(grid.geoTransform(), sourceToTarget,
                    source.geoTransform());
        } catch (NoninvertibleTransformException e) {
            throw new IllegalArgumentException("the transform to the target CRS cannot be inverted: " + e.getMessage(), e);
        }
        double[] scales = kernelScales();
        this.xScale = scales[0];
        this.yScale = scales[1];
    }

    /**
     * GDAL's {@code dfXScale}/{@code dfYScale}: output size / size of the source window the output
     * needs (clipped to the image), 1 when the source is at most as large, snapped to 1/n when
     * within 0.05 of it. GDAL computes them per chunk (the whole output when it fits in the warp
     * memory, 64 MB by default); here once for the whole grid, so that windows never differ in
     * kernel width (no seams between blocks). Below 0.95 bilinear and cubic widen their filter
     * ({@link Kernels#scaled}).
     */
    private double[] kernelScales() {
        int n = 32;
        double[] in = new double[2 * (n + 1) * (n + 1)], out = new double[in.length];
        int k = 0;
        for (int j = 0; j <= n; j++) {
            for (int i = 0; i <= n; i++) {
                in[k++] = grid.width() * (double) i / n;
                in[k++] = grid.height() * (double) j / n;
            }
        }
        toSource.transform(in, out, (n + 1) * (n + 1));
        double minX = Double.POSITIVE_INFINITY, minY = minX, maxX = Double.NEGATIVE_INFINITY, maxY = maxX;
        for (int i = 0; i < out.length; i += 2) {
            if (!Double.isNaN(out[i])) {
                minX = Math.min(minX, Math.max(0, out[i]));
                maxX = Math.max(maxX, Math.min(source.width(), out[i]));
                minY = Math.min(minY, Math.max(0, out[i + 1]));
                maxY = Math.max(maxY, Math.min(source.height(), out[i + 1]));
            }
        }
        if (!(minX < maxX && minY < maxY)) {
            return new double[] {1, 1};
        }
        int srcW = (int) Math.ceil(maxX) - (int) Math.floor(minX), srcH = (int) Math.ceil(maxY) - (int) Math.floor(minY);
        return new double[] {scale(grid.width(), srcW), scale(grid.height(), srcH)};
    }

    private static double scale(int dst, int src) {
        double s = dst / (double) src;
        if (s < 1.0) {
            double reciprocal = 1.0 / s;
            int r = (int) (reciprocal + 0.5);
            if (Math.abs(reciprocal - r) < 0.05) {
                s = 1.0 / r;
            }
        }
        return s;
    }

    /** Whether bilinear and cubic use GDAL's stretched filter instead of its 2×2 / 4×4 formulas. */
    private boolean widened() {
        return (options.resampling() == Resampling.BILINEAR || options.resampling() == Resampling.CUBIC)
                && !(xScale >= 0.95 && yScale >= 0.95);
    }

    public OutputGrid grid() {
        return grid;
    }

    /** Output bands: the source's, plus one with an alpha band. */
    public int bands() {
        return dataBands + (options.alpha() ? 1 : 0);
    }

    public DataType type() {
        return source.type();
    }

    /** The output's nodata value: the source's; empty when the source has none. */
    public OptionalDouble nodata() {
        return source.nodata();
    }

    /**
     * The output pixels (x0, y0, w, h) of the grid, all bands, pixel-interleaved.
     *
     * @throws IllegalArgumentException when the window is not inside the grid
     * @throws IOException              from {@link WarpSource#read}
     */
    public PixelBuffer warp(int x0, int y0, int w, int h) throws IOException {
        if (x0 < 0 || y0 < 0 || w < 1 || h < 1 || x0 + (long) w > grid.width() || y0 + (long) h > grid.height()) {
            throw new IllegalArgumentException("window " + x0 + "," + y0 + " " + w + "x" + h + " is not inside the "
                    + grid.width() + "x" + grid.height() + " output grid");
        }
        PixelBuffer out = PixelBuffer.allocate(source.type(), w, h, bands());
        if (fill != 0) {
            out.fill(fill);
            if (options.alpha()) {
                for (int i = dataBands, n = out.sampleCount(); i < n; i += dataBands + 1) {
                    out.setAt(i, 0);
                }
            }
        }
        render(out, x0, y0, w, h, 0, 0, new ApproxTransform(toSource, options.errorThreshold()));
        return out;
    }

    /** Warps output (x0, y0, w, h) into {@code out} at (dx, dy). */
    private void render(PixelBuffer out, int x0, int y0, int w, int h, int dx, int dy, ApproxTransform approx)
            throws IOException {
        boolean average = options.resampling() == Resampling.AVERAGE;
        // positions: pixel centres (w × h), or for average the corners ((w + 1) × (h + 1))
        int cols = average ? w + 1 : w, rows = average ? h + 1 : h;
        double offset = average ? 0 : 0.5;
        double[] sx = new double[cols * rows], sy = new double[cols * rows];
        for (int r = 0; r < rows; r++) {
            approx.scanline(x0 + offset, y0 + r + offset, cols, sx, sy, r * cols);
        }
        int[] margins = average ? averageMargins(sx, sy, w, h) : null;
        int[] win = average ? averageWindow(sx, sy, w, h, margins) : kernelWindow(sx, sy);
        if (win == null) {
            return; // nothing of the source under this window
        }
        long pixels = (long) (win[2] - win[0]) * (win[3] - win[1]);
        if (pixels > options.maxSourcePixels() && (w > 1 || h > 1)) {
            if (w >= h) {
                int half = w / 2;
                render(out, x0, y0, half, h, dx, dy, approx);
                render(out, x0 + half, y0, w - half, h, dx + half, dy, approx);
            } else {
                int half = h / 2;
                render(out, x0, y0, w, half, dx, dy, approx);
                render(out, x0, y0 + half, w, h - half, dx, dy + half, approx);
            }
            return;
        }
        PixelBuffer read = source.read(win[0], win[1], win[2] - win[0], win[3] - win[1]);
        SourceWindow s = SourceWindow.of(read, win[0], win[1], source.nodata());
        double[] values = new double[w * dataBands];
        boolean[] ok = new boolean[w];
        int iw = source.width(), ih = source.height();
        boolean widened = widened();
        for (int r = 0; r < h; r++) {
            if (widened) {
                Kernels.scaled(s, iw, ih, sx, sy, r * w, w, values, ok, options.resampling() == Resampling.CUBIC, xScale,
                        yScale);
                RowStore.store(out, dx, dy + r, w, values, ok, dataBands, options.alpha());
                continue;
            }
            switch (options.resampling()) {
                case NEAREST -> Kernels.nearest(s, iw, ih, sx, sy, r * w, w, values, ok);
                case BILINEAR -> Kernels.bilinear(s, iw, ih, sx, sy, r * w, w, values, ok);
                case CUBIC -> Kernels.cubic(s, iw, ih, sx, sy, r * w, w, values, ok);
                case AVERAGE -> Kernels.average(s, iw, ih, margins[0], margins[1], sx, sy, r, w, values, ok);
            }
            RowStore.store(out, dx, dy + r, w, values, ok, dataBands, options.alpha());
        }
    }

    /**
     * The source window [x0, x1) × [y0, y1) the centre-based kernels need, or null: for every
     * centre inside the image, its pixel and the kernel's neighbours, clipped to the image.
     */
    private int[] kernelWindow(double[] sx, double[] sy) {
        int iw = source.width(), ih = source.height();
        int before, after;
        if (widened()) {
            int filter = options.resampling() == Resampling.CUBIC ? 2 : 1;
            int init = (filter + 1) % 2;
            before = Math.max(Kernels.radius(filter, xScale), Kernels.radius(filter, yScale)) - init;
            after = Math.max(Kernels.radius(filter, xScale), Kernels.radius(filter, yScale));
            return window(sx, sy, iw, ih, before, after, false);
        }
        switch (options.resampling()) {
            case BILINEAR -> {
                before = 0;
                after = 1;
            }
            case CUBIC -> {
                before = 1;
                after = 2;
            }
            default -> {
                before = 0;
                after = 0;
            }
        }
        return window(sx, sy, iw, ih, before, after, options.resampling() == Resampling.NEAREST);
    }

    private static int[] window(double[] sx, double[] sy, int iw, int ih, int before, int after, boolean nearest) {
        double minX = Double.POSITIVE_INFINITY, minY = minX, maxX = Double.NEGATIVE_INFINITY, maxY = maxX;
        for (int i = 0; i < sx.length; i++) {
            double x = sx[i], y = sy[i];
            if (!(x >= 0 && y >= 0) || x + 1e-10 > iw || y + 1e-10 > ih) {
                continue;
            }
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
        }
        if (minX > maxX) {
            return null;
        }
        int x0, x1, y0, y1;
        if (nearest) {
            x0 = (int) (minX + 1e-10);
            y0 = (int) (minY + 1e-10);
            x1 = (int) (maxX + 1e-10) + 1;
            y1 = (int) (maxY + 1e-10) + 1;
        } else {
            x0 = (int) Math.floor(minX - 0.5) - before;
            y0 = (int) Math.floor(minY - 0.5) - before;
            x1 = (int) Math.floor(maxX - 0.5) + after + 1;
            y1 = (int) Math.floor(maxY - 0.5) + after + 1;
        }
        return clip(x0, y0, x1, y1, iw, ih);
    }

    /** The source window the average kernel reads: the union of the footprints' boxes. */
    /**
     * GDAL's tolerance for footprint corners outside the image: twice the number of source
     * pixels per output pixel (at least 2), estimated from the span of the window's corners.
     */
    private static int[] averageMargins(double[] cx, double[] cy, int w, int h) {
        double minX = Double.POSITIVE_INFINITY, minY = minX, maxX = Double.NEGATIVE_INFINITY, maxY = maxX;
        for (int i = 0; i < cx.length; i++) {
            if (!Double.isNaN(cx[i])) {
                minX = Math.min(minX, cx[i]);
                maxX = Math.max(maxX, cx[i]);
                minY = Math.min(minY, cy[i]);
                maxY = Math.max(maxY, cy[i]);
            }
        }
        if (minX > maxX) {
            return new int[] {2, 2};
        }
        return new int[] {2 * Math.max(1, (int) Math.ceil((maxX - minX) / w)),
                2 * Math.max(1, (int) Math.ceil((maxY - minY) / h))};
    }

    private int[] averageWindow(double[] cx, double[] cy, int w, int h, int[] margins) {
        int iw = source.width(), ih = source.height(), stride = w + 1;
        double[] box = new double[8];
        int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = Integer.MIN_VALUE, y1 = Integer.MIN_VALUE;
        for (int r = 0; r < h; r++) {
            for (int i = 0; i < w; i++) {
                if (Kernels.averageBox(cx[r * stride + i], cy[r * stride + i], cx[(r + 1) * stride + i + 1],
                        cy[(r + 1) * stride + i + 1], iw, ih, margins[0], margins[1], box)) {
                    x0 = Math.min(x0, (int) box[0]);
                    y0 = Math.min(y0, (int) box[1]);
                    x1 = Math.max(x1, (int) box[2]);
                    y1 = Math.max(y1, (int) box[3]);
                }
            }
        }
        return x0 > x1 ? null : clip(x0, y0, x1, y1, iw, ih);
    }

    private static int[] clip(int x0, int y0, int x1, int y1, int iw, int ih) {
        x0 = Math.max(x0, 0);
        y0 = Math.max(y0, 0);
        x1 = Math.min(x1, iw);
        y1 = Math.min(y1, ih);
        return x0 >= x1 || y0 >= y1 ? null : new int[] {x0, y0, x1, y1};
    }

    /** The output geotransform (the grid's). */
    public GeoTransform geoTransform() {
        return grid.geoTransform();
    }
}
