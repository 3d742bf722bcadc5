package dev.cairn.geo.convert;

import dev.cairn.engine.JobSpec;
import dev.cairn.geo.format.CoordinatePrecision;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.pipeline.GeometryPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The options of a convert job that determine its output, hence its fingerprint. Inputs are
 * stored as absolute, normalised paths so that the same command run from another directory is
 * the same job.
 *
 * @param inputs    input files and directories
 * @param outDir    the output directory
 * @param targetCrs target CRS code, e.g. {@code EPSG:4326}
 * @param format    output format, {@code gpkg}
 * @param assumeCrs CRS to assume for layers that declare none, or null
 * @param chunkFeatures a file with a layer of more than this many features is converted in
 *                  feature-range chunks of this size (one asset each); 0 turns chunking off. It
 *                  changes the plan (not the output), so it is part of the job's fingerprint; jobs
 *                  recorded before chunking existed have no such key and load as 0
 * @param expectCrs every source layer must be in this CRS (else a CRS failure), or null
 * @param onInvalid what an invalid geometry does: fail the asset, be skipped, or be repaired
 * @param allowBallpark a datum change EPSG knows no shift for is done keeping latitude and longitude
 *                  (PROJ's ballpark) instead of failing the layer; recorded only when set
 * @param coordinatePrecision how GeoJSON outputs write coordinates; recorded only for formats that
 *                  write decimal text, and only when it is not {@link CoordinatePrecision#LEGACY}:
 *                  jobs recorded before the option existed wrote 9 decimals, and keep doing so
 */
public record ConvertOptions(List<Path> inputs, Path outDir, String targetCrs, String format, String assumeCrs,
        long chunkFeatures, String expectCrs, GeometryPolicy.OnInvalid onInvalid, boolean allowBallpark,
        CoordinatePrecision coordinatePrecision) {
    public static final String KIND = "convert";
    public static final long DEFAULT_CHUNK_FEATURES = 200_000;
    static final String CHUNK_FEATURES = "--chunk-features";
    static final String EXPECT_CRS = "--expect-crs";
    static final String ON_INVALID = "--on-invalid";
    static final String ALLOW_BALLPARK = "--allow-ballpark";
    static final String COORDINATE_PRECISION = "--coordinate-precision";

    /** Options without --allow-ballpark and with the default coordinate precision. */
    public ConvertOptions(List<Path> inputs, Path outDir, String targetCrs, String format, String assumeCrs,
            long chunkFeatures, String expectCrs, GeometryPolicy.OnInvalid onInvalid) {
        this(inputs, outDir, targetCrs, format, assumeCrs, chunkFeatures, expectCrs, onInvalid, false, null);
    }

    /** Options without --expect-crs and with the default --on-invalid. */
    public ConvertOptions(List<Path> inputs, Path outDir, String targetCrs, String format, String assumeCrs,
            long chunkFeatures) {
        this(inputs, outDir, targetCrs, format, assumeCrs, chunkFeatures, null, null);
    }

    /** Options with the default chunk size. */
    public ConvertOptions(List<Path> inputs, Path outDir, String targetCrs, String format, String assumeCrs) {
        this(inputs, outDir, targetCrs, format, assumeCrs, DEFAULT_CHUNK_FEATURES);
    }

    public ConvertOptions {
        inputs = inputs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        outDir = outDir.toAbsolutePath().normalize();
        Objects.requireNonNull(targetCrs, "targetCrs");
        Objects.requireNonNull(format, "format");
        onInvalid = onInvalid == null ? GeometryPolicy.DEFAULT : onInvalid;
        coordinatePrecision = coordinatePrecision == null ? CoordinatePrecision.SHORTEST : coordinatePrecision;
        if (chunkFeatures < 0) {
            throw new IllegalArgumentException("--chunk-features " + chunkFeatures + ": must be 0 (off) or positive");
        }
    }

    /** The spec recorded in the checkpoint; its keys are the option names users see. */
    public JobSpec toSpec() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("inputs", String.join("\n", inputs.stream().map(Path::toString).toList()));
        m.put("--to", targetCrs);
        m.put("--format", format);
        m.put("--assume-crs", assumeCrs == null ? "" : assumeCrs);
        m.put("-o", outDir.toString());
        if (chunkFeatures > 0) {
            m.put(CHUNK_FEATURES, Long.toString(chunkFeatures)); // absent = off: old jobs keep their fingerprint
        }
        if (expectCrs != null) {
            m.put(EXPECT_CRS, expectCrs); // absent = none, and absent = the default policy below: old jobs keep theirs
        }
        if (onInvalid != GeometryPolicy.LEGACY_DEFAULT) {
            // absent = fail, the default of the jobs recorded before keep: they keep their fingerprint and policy
            m.put(ON_INVALID, onInvalid.key());
        }
        if (allowBallpark) {
            m.put(ALLOW_BALLPARK, "true"); // absent = refused, as before the option existed
        }
        if (writesDecimalCoordinates(format) && !coordinatePrecision.equals(CoordinatePrecision.LEGACY)) {
            m.put(COORDINATE_PRECISION, coordinatePrecision.key()); // absent = LEGACY: old GeoJSON jobs keep theirs
        }
        return new JobSpec(KIND, m);
    }

    /** Rebuilds the options of a stored job (for {@code resume}). */
    public static ConvertOptions fromSpec(JobSpec spec) {
        if (!KIND.equals(spec.kind())) {
            throw new IllegalArgumentException("not a convert job: " + spec.kind());
        }
        Map<String, String> m = spec.options();
        List<Path> inputs = new ArrayList<>();
        for (String s : m.getOrDefault("inputs", "").split("\n")) {
            if (!s.isEmpty()) {
                inputs.add(Path.of(s));
            }
        }
        String assume = m.getOrDefault("--assume-crs", "");
        return new ConvertOptions(inputs, Path.of(m.get("-o")), m.get("--to"), m.getOrDefault("--format", "gpkg"),
                assume.isEmpty() ? null : assume, Long.parseLong(m.getOrDefault(CHUNK_FEATURES, "0")),
                m.get(EXPECT_CRS), GeometryPolicy.OnInvalid.parse(m.getOrDefault(ON_INVALID, GeometryPolicy.LEGACY_DEFAULT.key())),
                Boolean.parseBoolean(m.get(ALLOW_BALLPARK)),
                m.containsKey(COORDINATE_PRECISION) ? CoordinatePrecision.parse(m.get(COORDINATE_PRECISION))
                        : writesDecimalCoordinates(m.getOrDefault("--format", "gpkg")) ? CoordinatePrecision.LEGACY
                        : CoordinatePrecision.SHORTEST);
    }

    /** True when {@code format} writes coordinates as decimal text (GeoJSON), where precision matters. */
    static boolean writesDecimalCoordinates(String format) {
        return ConvertPlanner.FORMATS.forName(format).map(FormatProvider::writesDecimalCoordinates).orElse(false);
    }
}
