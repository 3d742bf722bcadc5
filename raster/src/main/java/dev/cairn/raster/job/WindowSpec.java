package dev.cairn.raster.job;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One window of one output of a warp job: a rectangle of the output's full-resolution blocks
 * (tiles of the COG), warped, compressed and committed together with its marker into the
 * output's staging file ({@link StagedCog}); the window completing the plan publishes the COG.
 *
 * <p>Stored as the asset's {@code part}, a stable text parsed back by {@link #parse}:
 * <pre>
 *   window=K/N;blocks=[X0,Y0,X1,Y1);plan=KEY
 *     K       0-based index of the window, N windows of the output (the markers that complete it)
 *     X0..Y1  block columns [X0, X1) and block rows [Y0, Y1) of the output's full resolution
 *     KEY     hex digest of the input's version, the job options and the output grid: names the
 *             staging file, so a changed input or grid never reuses stale windows
 * </pre>
 */
record WindowSpec(int index, int windows, int x0, int y0, int x1, int y1, String planKey) {
    private static final Pattern PART = Pattern.compile(
            "window=(\\d+)/(\\d+);blocks=\\[(\\d+),(\\d+),(\\d+),(\\d+)\\);plan=([0-9a-f]+)");

    WindowSpec {
        Objects.requireNonNull(planKey, "planKey");
        if (index < 0 || index >= windows || x0 >= x1 || y0 >= y1 || x0 < 0 || y0 < 0) {
            throw new IllegalArgumentException("window " + index + "/" + windows + " of blocks [" + x0 + "," + y0 + ","
                    + x1 + "," + y1 + ") is not a window");
        }
    }

    /** Blocks in the window. */
    int blocks() {
        return (x1 - x0) * (y1 - y0);
    }

    String toPart() {
        return "window=" + index + "/" + windows + ";blocks=[" + x0 + "," + y0 + "," + x1 + "," + y1 + ");plan=" + planKey;
    }

    /** Parses {@link #toPart()}; throws IllegalArgumentException naming the text if it is not one. */
    static WindowSpec parse(String part) {
        Matcher m = PART.matcher(part == null ? "" : part);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a window part: " + part);
        }
        return new WindowSpec(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), m.group(7));
    }
}
