package dev.cairn.geo.format;

/**
 * How a text format (GeoJSON) writes a coordinate: the shortest decimal that reads back as the
 * same double ({@link #SHORTEST}, the default), or rounded to a number of decimals
 * ({@code --coordinate-precision N}, GDAL's {@code COORDINATE_PRECISION}).
 *
 * <p>Why shortest by default: rounding changes geometry. At 9 decimals two vertices of a
 * Natural Earth country polygon 4·10⁻¹⁰° apart collapse into one and the ring self-intersects; a
 * valid input became an invalid output. The shortest round-trip decimal (Schubfach, as Jackson
 * and JDK 19+ write doubles) loses nothing: reading the file back gives the very same doubles,
 * hence the same validity. Rounding stays available for users who want smaller files.
 *
 * @param decimals digits after the decimal point, 0 to {@value #MAX_DECIMALS}; -1 for shortest
 */
public record CoordinatePrecision(int decimals) {
    public static final int MAX_DECIMALS = 17;
    public static final CoordinatePrecision SHORTEST = new CoordinatePrecision(-1);
    /** What GeoJSON outputs were rounded to before the option existed: the value of jobs that did not record one. */
    public static final CoordinatePrecision LEGACY = new CoordinatePrecision(9);

    public CoordinatePrecision {
        if (decimals < -1 || decimals > MAX_DECIMALS) {
            throw new IllegalArgumentException("a number of decimals from 0 to " + MAX_DECIMALS + ", or 'shortest'");
        }
    }

    public boolean shortest() {
        return decimals < 0;
    }

    /** {@code "shortest"} or the number of decimals: the text {@link #parse} reads. */
    public String key() {
        return shortest() ? "shortest" : Integer.toString(decimals);
    }

    /** @throws IllegalArgumentException saying what is expected */
    public static CoordinatePrecision parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equalsIgnoreCase("shortest")) {
            return SHORTEST;
        }
        try {
            return new CoordinatePrecision(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a number of decimals from 0 to " + MAX_DECIMALS + ", or 'shortest'");
        }
    }
}
