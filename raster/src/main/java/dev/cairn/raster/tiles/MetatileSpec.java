package dev.cairn.raster.tiles;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One metatile of a tiles job: {@code M × M} tiles of the highest zoom and everything they reduce
 * to (see {@link TilesPlan}), rendered, encoded and committed together with its marker.
 *
 * <p>Stored as the asset's {@code part}, a stable text parsed back by {@link #parse}:
 * <pre>
 *   meta=K/N;tile=Z/MX/MY;plan=KEY
 *     K       0-based index of the metatile, N metatiles in the plan (the markers that complete it)
 *     Z       the highest zoom; MX, MY the metatile's column and row (XYZ, north first) in units
 *             of M tiles of zoom Z
 *     KEY     names the staging file (spec and every input's version): a changed input never
 *             reuses stale metatiles
 * </pre>
 * The asset id is {@code OUTPUT#meta[Z/MX/MY]}.
 */
record MetatileSpec(int index, int total, int zoom, long mx, long my, String planKey) {
    private static final Pattern PART = Pattern.compile("meta=(\\d+)/(\\d+);tile=(\\d+)/(\\d+)/(\\d+);plan=([0-9a-f]+)");

    MetatileSpec {
        Objects.requireNonNull(planKey, "planKey");
        if (index < 0 || index >= total || mx < 0 || my < 0) {
            throw new IllegalArgumentException("metatile " + index + "/" + total + " at " + zoom + "/" + mx + "/" + my
                    + " is not a metatile");
        }
    }

    String toPart() {
        return "meta=" + index + "/" + total + ";tile=" + zoom + "/" + mx + "/" + my + ";plan=" + planKey;
    }

    String idSuffix() {
        return "#meta[" + zoom + "/" + mx + "/" + my + "]";
    }

    /** Parses {@link #toPart()}; throws IllegalArgumentException naming the text if it is not one. */
    static MetatileSpec parse(String part) {
        Matcher m = PART.matcher(part == null ? "" : part);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a metatile part: " + part);
        }
        return new MetatileSpec(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), m.group(6));
    }
}
