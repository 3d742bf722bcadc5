package dev.cairn.raster.job;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetProcessor;
import dev.cairn.engine.InvalidJobSpecException;
import dev.cairn.engine.Job;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.JobType;
import dev.cairn.engine.OutputLayout;
import dev.cairn.engine.PlanningException;
import dev.cairn.raster.io.ByteSources;
import dev.cairn.raster.io.IoOptions;
import java.util.List;

/**
 * The {@code warp} job: reproject GeoTIFFs (local or over HTTP) into Cloud-Optimized GeoTIFFs
 * ({@link WarpOptions} is its spec, {@link WarpPlanner} its plan of windows, {@link WarpProcessor}
 * the work of a window). Its unit of progress is the output pixel; its outputs are {@code .tif}
 * files.
 */
public final class WarpJobType implements JobType {

    @Override
    public String kind() {
        return WarpOptions.KIND;
    }

    @Override
    public String unit() {
        return "pixels";
    }

    @Override
    public Job open(JobSpec spec) throws InvalidJobSpecException {
        WarpOptions options;
        try {
            options = WarpOptions.fromSpec(spec);
        } catch (RuntimeException e) {
            throw new InvalidJobSpecException("a warp job with an option this version cannot read (" + e.getMessage() + ")", e);
        }
        IoOptions io = IoOptions.defaults().withIoConcurrency(Integer.getInteger(WarpOptions.IO_CONCURRENCY_PROPERTY,
                IoOptions.defaults().ioConcurrency()));
        return new WarpJob(this, spec, options, ByteSources.sharing(io));
    }

    /** A warp job bound to its options; lives for one run. */
    private record WarpJob(JobType type, JobSpec spec, WarpOptions options, ByteSources sources) implements Job {

        @Override
        public List<Asset> plan() throws PlanningException {
            return WarpPlanner.plan(options, sources);
        }

        @Override
        public AssetProcessor processor() {
            return new WarpProcessor(options, sources);
        }

        @Override
        public OutputLayout layout() {
            return new OutputLayout(options.outDir(), List.of(".tif"), List.of());
        }

        /** The window's output pixels, from its part text (0 for an input that could not be planned). */
        @Override
        public long estimate(Asset asset) {
            if (asset.part() == null) {
                return 0;
            }
            try {
                WindowSpec w = WindowSpec.parse(asset.part());
                return (long) w.blocks() * options.blockSize() * options.blockSize();
            } catch (IllegalArgumentException e) {
                return 0;
            }
        }
    }
}
