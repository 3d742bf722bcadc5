package dev.cairn.geo.convert;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetProcessor;
import dev.cairn.engine.InvalidJobSpecException;
import dev.cairn.engine.Job;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.JobType;
import dev.cairn.engine.OutputLayout;
import dev.cairn.engine.PlanningException;
import dev.cairn.geo.format.ChunkSpec;
import dev.cairn.geo.format.FormatProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code convert} job: reproject and convert vector files ({@link ConvertOptions} is its spec,
 * {@link ConvertPlanner} its plan, {@link ConvertProcessor} the work of an asset). Its unit of
 * progress is the feature; its outputs are files of the {@code --format}'s extensions, with the
 * format's sidecars.
 */
public final class ConvertJobType implements JobType {

    @Override
    public String kind() {
        return ConvertOptions.KIND;
    }

    @Override
    public String unit() {
        return "features";
    }

    @Override
    public Job open(JobSpec spec) throws InvalidJobSpecException {
        ConvertOptions options;
        try {
            options = ConvertOptions.fromSpec(spec);
        } catch (RuntimeException e) {
            throw new InvalidJobSpecException("a convert job with an option this version cannot read (" + e.getMessage()
                    + ")", e);
        }
        FormatProvider format = ConvertPlanner.FORMATS.forName(options.format()).orElseThrow(
                () -> new InvalidJobSpecException("a convert job into --format " + options.format()
                        + ", which this version cannot write (it writes " + String.join(", ", ConvertPlanner.FORMATS.names())
                        + ")"));
        return new ConvertJob(this, spec, options, format);
    }

    /** A convert job bound to its options; lives for one run. */
    private static final class ConvertJob implements Job {
        private final JobType type;
        private final JobSpec spec;
        private final ConvertOptions options;
        private final FormatProvider format;
        private final Map<String, Long> perInput = new ConcurrentHashMap<>();

        ConvertJob(JobType type, JobSpec spec, ConvertOptions options, FormatProvider format) {
            this.type = type;
            this.spec = spec;
            this.options = options;
            this.format = format;
        }

        @Override
        public JobType type() {
            return type;
        }

        @Override
        public JobSpec spec() {
            return spec;
        }

        @Override
        public List<Asset> plan() throws PlanningException {
            return ConvertPlanner.plan(options);
        }

        @Override
        public AssetProcessor processor() {
            return new ConvertProcessor(options);
        }

        @Override
        public OutputLayout layout() {
            return new OutputLayout(options.outDir(), format.extensions(), format.sidecarExtensions());
        }

        /**
         * The input's features by its format's cheap count ({@link FormatProvider#estimateFeatures}:
         * GeoPackage tables, Shapefile and FlatGeobuf headers; GeoJSON 0), counted once per file;
         * a chunk gets its share of the file.
         */
        @Override
        public long estimate(Asset asset) {
            long n = perInput.computeIfAbsent(asset.input(), in -> {
                Path file = Path.of(in);
                FormatProvider f = ConvertPlanner.formatOf(file);
                return f == null ? 0L : f.estimateFeatures(file);
            });
            return n / fileChunks(asset.part());
        }

        private static int fileChunks(String part) {
            if (part == null || part.startsWith(ConvertPlanner.LAYER_PART)) {
                return 1;
            }
            try {
                return Math.max(1, ChunkSpec.parse(part).fileChunks());
            } catch (IllegalArgumentException notAChunk) {
                return 1;
            }
        }
    }
}
