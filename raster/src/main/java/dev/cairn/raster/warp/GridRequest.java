package dev.cairn.raster.warp;

/**
 * What the user asked of the output grid, as gdalwarp's options: {@code xRes}/{@code yRes}
 * ({@code -tr}, {@code --resolution}; 0 = choose like gdalwarp), {@code extent}
 * ({@code -te minX minY maxX maxY} in the target CRS, {@code --target-extent}; null = the
 * source's footprint), {@code targetAligned} ({@code -tap}: extent snapped to multiples of the
 * resolution; needs a resolution).
 */
public record GridRequest(double xRes, double yRes, double[] extent, boolean targetAligned) {

    /** gdalwarp's defaults: resolution and extent from the source. */
    public static final GridRequest DEFAULT = new GridRequest(0, 0, null, false);

    public GridRequest {
        if (!(xRes >= 0) || !(yRes >= 0) || (xRes == 0) != (yRes == 0)) {
            throw new IllegalArgumentException("resolution must be two positive numbers or none, got " + xRes + " " + yRes);
        }
        if (extent != null && (extent.length != 4 || !(extent[0] < extent[2]) || !(extent[1] < extent[3]))) {
            throw new IllegalArgumentException("target extent must be minX minY maxX maxY with min < max, got "
                    + java.util.Arrays.toString(extent));
        }
        if (targetAligned && xRes == 0) {
            throw new IllegalArgumentException("target-aligned pixels (-tap) need a resolution (-tr)");
        }
        extent = extent == null ? null : extent.clone();
    }

    /** Square pixels of size {@code r} ({@code --resolution R}, gdalwarp {@code -tr R R}). */
    public static GridRequest resolution(double r) {
        return new GridRequest(r, r, null, false);
    }

    public GridRequest withExtent(double minX, double minY, double maxX, double maxY) {
        return new GridRequest(xRes, yRes, new double[] {minX, minY, maxX, maxY}, targetAligned);
    }

    public GridRequest withTargetAlignedPixels() {
        return new GridRequest(xRes, yRes, extent, true);
    }

    @Override
    public double[] extent() {
        return extent == null ? null : extent.clone();
    }

    boolean hasResolution() {
        return xRes > 0;
    }
}
