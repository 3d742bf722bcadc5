package dev.cairn.raster.job;

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
 * The options of a warp job that determine its output, hence its fingerprint. Local inputs are
 * stored as absolute, normalised paths (the same command from another directory is the same
 * job); {@code http(s)://} inputs as given.
 *
 * @param inputs       GeoTIFF files, directories searched for {@code .tif}/{@code .tiff}, or URLs
 * @param outDir       the output directory
 * @param targetCrs    target CRS code, e.g. {@code EPSG:3857}
 * @param resampling   nearest, bilinear, cubic or average
 * @param resolution   output pixel size in target CRS units (gdalwarp {@code -tr R R}), or null for
 *                     gdalwarp's default (about as many pixels as the input)
 * @param targetExtent xmin, ymin, xmax, ymax in the target CRS (gdalwarp {@code -te}), or null
 * @param compression  the COG's compression: deflate, zstd, lzw or none
 * @param blockSize    the COG's tile size in pixels (a power of two, 256..4096)
 * @param alpha        8-bit inputs get an alpha band (255 where a pixel has data, 0 outside),
 *                     like gdalwarp's {@code -dstalpha}; recorded only when set
 */
public record WarpOptions(List<String> inputs, Path outDir, String targetCrs, String resampling, Double resolution,
        double[] targetExtent, String compression, int blockSize, boolean alpha) {
    public static final String KIND = "warp";
    public static final List<String> RESAMPLINGS = List.of("nearest", "bilinear", "cubic", "average");
    public static final List<String> COMPRESSIONS = List.of("deflate", "zstd", "lzw", "none");
    public static final int DEFAULT_BLOCK_SIZE = 512;
    /**
     * The system property holding {@code --io-concurrency} for this process: range requests in
     * flight at once to HTTP inputs. A setting of the run, not of the job (it changes no output),
     * so it is not in the spec and may differ between a run and its resume.
     */
    public static final String IO_CONCURRENCY_PROPERTY = "cairn.io.concurrency";

    public WarpOptions {
        inputs = inputs.stream().map(ByteSources::normalise).toList();
        outDir = outDir.toAbsolutePath().normalize();
        Objects.requireNonNull(targetCrs, "targetCrs");
        resampling = resampling == null ? "nearest" : resampling.toLowerCase(Locale.ROOT);
        compression = compression == null ? "deflate" : compression.toLowerCase(Locale.ROOT);
        if (!RESAMPLINGS.contains(resampling)) {
            throw new IllegalArgumentException("--resampling " + resampling + ": use one of " + String.join(", ", RESAMPLINGS));
        }
        if (!COMPRESSIONS.contains(compression)) {
            throw new IllegalArgumentException("--compress " + compression + ": use one of " + String.join(", ", COMPRESSIONS));
        }
        if (resolution != null && !(resolution > 0 && Double.isFinite(resolution))) {
            throw new IllegalArgumentException("--resolution " + resolution + ": must be a positive number");
        }
        if (targetExtent != null && (targetExtent.length != 4 || !(targetExtent[0] < targetExtent[2])
                || !(targetExtent[1] < targetExtent[3]))) {
            throw new IllegalArgumentException("--target-extent " + Arrays.toString(targetExtent)
                    + ": expected xmin,ymin,xmax,ymax with xmin < xmax and ymin < ymax");
        }
        if (blockSize < 256 || blockSize > 4096 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("--block-size " + blockSize + ": must be a power of two from 256 to 4096");
        }
        targetExtent = targetExtent == null ? null : targetExtent.clone();
    }

    /** True for an {@code http://} or {@code https://} input. */
    public static boolean isUrl(String input) {
        return ByteSources.isUrl(input);
    }

    /** The spec recorded in the checkpoint; its keys are the option names users see. */
    public JobSpec toSpec() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("inputs", String.join("\n", inputs));
        m.put("-o", outDir.toString());
        m.put("--to", targetCrs);
        m.put("--resampling", resampling);
        if (resolution != null) {
            m.put("--resolution", Double.toString(resolution));
        }
        if (targetExtent != null) {
            m.put("--target-extent", targetExtent[0] + "," + targetExtent[1] + "," + targetExtent[2] + "," + targetExtent[3]);
        }
        m.put("--compress", compression);
        m.put("--block-size", Integer.toString(blockSize));
        if (alpha) {
            m.put("--alpha", "true");
        }
        return new JobSpec(KIND, m);
    }

    /** Rebuilds the options of a stored job (for {@code resume}). */
    public static WarpOptions fromSpec(JobSpec spec) {
        if (!KIND.equals(spec.kind())) {
            throw new IllegalArgumentException("not a warp job: " + spec.kind());
        }
        Map<String, String> m = spec.options();
        List<String> inputs = new ArrayList<>();
        for (String s : m.getOrDefault("inputs", "").split("\n")) {
            if (!s.isEmpty()) {
                inputs.add(s);
            }
        }
        String res = m.get("--resolution");
        String te = m.get("--target-extent");
        return new WarpOptions(inputs, Path.of(m.get("-o")), m.get("--to"), m.get("--resampling"),
                res == null ? null : Double.valueOf(res), te == null ? null : parseExtent(te), m.get("--compress"),
                Integer.parseInt(m.getOrDefault("--block-size", Integer.toString(DEFAULT_BLOCK_SIZE))),
                Boolean.parseBoolean(m.get("--alpha")));
    }

    /** {@code xmin,ymin,xmax,ymax}; IllegalArgumentException naming the text when it is not four numbers. */
    public static double[] parseExtent(String text) {
        String[] parts = text.split(",");
        if (parts.length != 4) {
            throw new IllegalArgumentException("--target-extent " + text + ": expected xmin,ymin,xmax,ymax");
        }
        double[] e = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                e[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException nfe) {
                throw new IllegalArgumentException("--target-extent " + text + ": '" + parts[i] + "' is not a number");
            }
        }
        return e;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarpOptions w && w.toSpec().options().equals(toSpec().options());
    }

    @Override
    public int hashCode() {
        return toSpec().options().hashCode();
    }
}
