package dev.cairn.raster.warp;

/**
 * How a {@link Warper} resamples: the kernel, whether to add an alpha band (of the source's type:
 * 255 where an output pixel has data, 0 where not, like {@code gdalwarp -dstalpha}), the
 * approximation error threshold in source pixels (gdalwarp {@code -et}, default 0.125; 0 =
 * transform every pixel exactly), and the largest source window read at once, in pixels (an
 * output window needing more, when downsampling a lot, is split).
 */
public record WarpSettings(Resampling resampling, boolean alpha, double errorThreshold, long maxSourcePixels) {

    /** gdalwarp's default error threshold, in source pixels. */
    public static final double DEFAULT_ERROR_THRESHOLD = 0.125;
    /** 16 Mpixels: 128 MB of working samples per band per window in flight. */
    public static final long DEFAULT_MAX_SOURCE_PIXELS = 16L << 20;

    public WarpSettings {
        if (resampling == null) {
            throw new IllegalArgumentException("resampling is required");
        }
        if (!(errorThreshold >= 0)) {
            throw new IllegalArgumentException("error threshold must be >= 0 source pixels, got " + errorThreshold);
        }
        if (maxSourcePixels < 1) {
            throw new IllegalArgumentException("max source pixels must be positive, got " + maxSourcePixels);
        }
    }

    public static WarpSettings of(Resampling resampling) {
        return new WarpSettings(resampling, false, DEFAULT_ERROR_THRESHOLD, DEFAULT_MAX_SOURCE_PIXELS);
    }

    public WarpSettings withAlpha() {
        return new WarpSettings(resampling, true, errorThreshold, maxSourcePixels);
    }

    public WarpSettings withErrorThreshold(double pixels) {
        return new WarpSettings(resampling, alpha, pixels, maxSourcePixels);
    }

    public WarpSettings withMaxSourcePixels(long pixels) {
        return new WarpSettings(resampling, alpha, errorThreshold, pixels);
    }
}
