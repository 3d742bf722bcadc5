package dev.cairn.raster.tiles;

import dev.cairn.engine.JobSpec;
import dev.cairn.raster.io.ByteSources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The options of a tiles job that determine its output, hence its fingerprint. Local inputs are
 * stored as absolute, normalised paths; {@code http(s)://} inputs as given.
 *
 * @param inputs     GeoTIFF files, directories searched for {@code .tif}/{@code .tiff}, or URLs; all of
 *                   them make one tile set (a later input is drawn over an earlier one where both
 *                   have data)
 * @param output     an XYZ folder, or a {@code .mbtiles} or {@code .pmtiles} file
 * @param minZoom    the lowest zoom rendered
 * @param maxZoom    the highest zoom rendered (the one warped from the sources)
 * @param resampling nearest, bilinear, cubic or average (gdal2tiles' {@code -r})
 * @param bands      1-based source bands shown as grey (one) or red, green, blue (three); null:
 *                   the first three of three or more bands, else the first as grey
 * @param scale      {min, max}: source values mapped linearly onto 0..255; null: 8-bit data as it
 *                   is, other types from the sources' statistics (their range over a sample)
 * @param tms        XYZ folder rows numbered from the south (TMS) instead of the north
 * @param made       {first, last} zoom already in the output when this job widened an earlier one's
 *                   zoom range (see {@link #widen}): those zooms are not rendered again; null for a
 *                   job that makes every zoom
 */
public record TilesOptions(List<String> inputs, Path output, int minZoom, int maxZoom, String resampling, int[] bands,
        double[] scale, boolean tms, int[] made) {
    public static final String KIND = "tiles";
    public static final List<String> RESAMPLINGS = List.of("nearest", "bilinear", "cubic", "average");

    /** Where the tiles go; from the output's name. */
    public enum Target {
        XYZ, MBTILES, PMTILES;

        static Target of(Path output) {
            String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".mbtiles") ? MBTILES : name.endsWith(".pmtiles") ? PMTILES : XYZ;
        }
    }

    /** The spec key of {@link #made}: not an option users give, written when a job is widened. */
    static final String MADE_KEY = "zooms-already-made";

    public TilesOptions(List<String> inputs, Path output, int minZoom, int maxZoom, String resampling, int[] bands,
            double[] scale, boolean tms) {
        this(inputs, output, minZoom, maxZoom, resampling, bands, scale, tms, null);
    }

    public TilesOptions {
        inputs = inputs.stream().map(ByteSources::normalise).toList();
        output = output.toAbsolutePath().normalize();
        resampling = resampling == null ? "average" : resampling.toLowerCase(Locale.ROOT);
        if (!RESAMPLINGS.contains(resampling)) {
            throw new IllegalArgumentException("--resampling " + resampling + ": use one of " + String.join(", ", RESAMPLINGS));
        }
        if (minZoom < 0 || maxZoom > WebMercatorTiles.MAX_ZOOM || minZoom > maxZoom) {
            throw new IllegalArgumentException("--zoom " + minZoom + "-" + maxZoom + ": expected MIN-MAX with 0 <= MIN <= MAX <= "
                    + WebMercatorTiles.MAX_ZOOM);
        }
        if (bands != null) {
            if (bands.length != 1 && bands.length != 3) {
                throw new IllegalArgumentException("--bands " + join(bands) + ": give one band (grey) or three (red,green,blue)");
            }
            for (int b : bands) {
                if (b < 1) {
                    throw new IllegalArgumentException("--bands " + join(bands) + ": bands are numbered from 1");
                }
            }
            bands = bands.clone();
        }
        if (made != null) {
            if (made.length != 2 || made[0] > made[1] || made[0] < minZoom || made[1] > maxZoom
                    || (made[0] == minZoom && made[1] == maxZoom)) {
                throw new IllegalArgumentException(MADE_KEY + " " + Arrays.toString(made) + ": not a part of --zoom "
                        + minZoom + "-" + maxZoom);
            }
            made = made.clone();
        }
        if (scale != null) {
            if (scale.length != 2 || !(scale[0] < scale[1]) || !Double.isFinite(scale[0]) || !Double.isFinite(scale[1])) {
                throw new IllegalArgumentException("--scale " + Arrays.toString(scale) + ": expected MIN,MAX with MIN < MAX");
            }
            scale = scale.clone();
        }
    }

    public Target target() {
        return Target.of(output);
    }

    /** True for an {@code http://} or {@code https://} input. */
    public static boolean isUrl(String input) {
        return ByteSources.isUrl(input);
    }

    /** The spec recorded in the checkpoint; its keys are the option names users see. */
    public JobSpec toSpec() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("inputs", String.join("\n", inputs));
        m.put("-o", output.toString());
        m.put("--zoom", minZoom + "-" + maxZoom);
        m.put("--resampling", resampling);
        if (bands != null) {
            m.put("--bands", join(bands));
        }
        if (scale != null) {
            m.put("--scale", scale[0] + "," + scale[1]);
        }
        if (tms) {
            m.put("--tms", "true");
        }
        if (made != null) {
            m.put(MADE_KEY, made[0] + "-" + made[1]);
        }
        return new JobSpec(KIND, m);
    }

    /** Rebuilds the options of a stored job (for {@code resume}). */
    public static TilesOptions fromSpec(JobSpec spec) {
        if (!KIND.equals(spec.kind())) {
            throw new IllegalArgumentException("not a tiles job: " + spec.kind());
        }
        Map<String, String> m = spec.options();
        List<String> inputs = new ArrayList<>();
        for (String s : m.getOrDefault("inputs", "").split("\n")) {
            if (!s.isEmpty()) {
                inputs.add(s);
            }
        }
        int[] zoom = parseZoom(Objects.requireNonNull(m.get("--zoom"), "--zoom"));
        String bands = m.get("--bands");
        String scale = m.get("--scale");
        String made = m.get(MADE_KEY);
        return new TilesOptions(inputs, Path.of(m.get("-o")), zoom[0], zoom[1], m.get("--resampling"),
                bands == null ? null : parseBands(bands), scale == null ? null : parseScale(scale),
                Boolean.parseBoolean(m.get("--tms")), made == null ? null : parseZoom(made));
    }

    /** {@code MIN-MAX} or a single zoom {@code Z}. */
    public static int[] parseZoom(String text) {
        String[] parts = text.trim().split("-", -1);
        try {
            if (parts.length == 1) {
                int z = Integer.parseInt(parts[0].trim());
                return new int[] {z, z};
            }
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--zoom " + text + ": expected MIN-MAX, e.g. 0-14");
    }

    /** {@code 3,2,1}. */
    public static int[] parseBands(String text) {
        String[] parts = text.split(",");
        int[] b = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                b[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--bands " + text + ": '" + parts[i] + "' is not a band number");
            }
        }
        return b;
    }

    /** {@code MIN,MAX}. */
    public static double[] parseScale(String text) {
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--scale " + text + ": expected MIN,MAX");
        }
        double[] s = new double[2];
        for (int i = 0; i < 2; i++) {
            try {
                s[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--scale " + text + ": '" + parts[i] + "' is not a number");
            }
        }
        return s;
    }

    private static String join(int[] values) {
        StringBuilder sb = new StringBuilder();
        for (int v : values) {
            sb.append(sb.length() == 0 ? "" : ",").append(v);
        }
        return sb.toString();
    }

    /** True when zoom {@code z} is rendered by this job (in its range, not already made). */
    public boolean renders(int z) {
        return z >= minZoom && z <= maxZoom && (made == null || z < made[0] || z > made[1]);
    }

    /** These options as the user gives them: without the record of zooms already made. */
    public TilesOptions asRequested() {
        return made == null ? this : new TilesOptions(inputs, output, minZoom, maxZoom, resampling, bands, scale, tms);
    }

    /**
     * The job that adds the zooms of {@code wider} to this (finished) job's output, or null when
     * {@code wider} is not this job with only a wider zoom range (the one change of options that
     * extends a job instead of being refused: the tiles already made stay, only new zooms are
     * rendered).
     */
    public TilesOptions widen(TilesOptions wider) {
        TilesOptions mine = asRequested();
        TilesOptions same = new TilesOptions(wider.inputs, wider.output, mine.minZoom, mine.maxZoom, wider.resampling,
                wider.bands, wider.scale, wider.tms);
        boolean wides = same.equals(mine) && wider.made == null && wider.minZoom <= minZoom && wider.maxZoom >= maxZoom
                && (wider.minZoom < minZoom || wider.maxZoom > maxZoom);
        return wides ? new TilesOptions(wider.inputs, wider.output, wider.minZoom, wider.maxZoom, wider.resampling,
                wider.bands, wider.scale, wider.tms, new int[] {minZoom, maxZoom}) : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TilesOptions t && t.toSpec().options().equals(toSpec().options());
    }

    @Override
    public int hashCode() {
        return toSpec().options().hashCode();
    }
}
