package dev.cairn.raster.tiles;

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
 * The {@code tiles} job: render GeoTIFFs (local or over HTTP) into one web-map tile set, an XYZ
 * folder, an MBTiles or a PMTiles file ({@link TilesOptions} is its spec, {@link TilesPlanner}
 * its plan of metatiles, {@link TilesProcessor} the work of a metatile). Its unit of progress is
 * the tile.
 */
public final class TilesJobType implements JobType {
    /** The system property holding {@code --io-concurrency}, as the warp job reads it. */
    public static final String IO_CONCURRENCY_PROPERTY = "cairn.io.concurrency";

    @Override
    public String kind() {
        return TilesOptions.KIND;
    }

    @Override
    public String unit() {
        return "tiles";
    }

    @Override
    public Job open(JobSpec spec) throws InvalidJobSpecException {
        TilesOptions options;
        try {
            options = TilesOptions.fromSpec(spec);
        } catch (RuntimeException e) {
            throw new InvalidJobSpecException("a tiles job with an option this version cannot read (" + e.getMessage() + ")", e);
        }
        IoOptions io = IoOptions.defaults().withIoConcurrency(Integer.getInteger(IO_CONCURRENCY_PROPERTY,
                IoOptions.defaults().ioConcurrency()));
        return new TilesJob(this, spec, options, ByteSources.sharing(io));
    }

    /** A tiles job bound to its options; lives for one run. */
    private record TilesJob(JobType type, JobSpec spec, TilesOptions options, ByteSources sources) implements Job {

        @Override
        public List<Asset> plan() throws PlanningException {
            return TilesPlanner.plan(options, sources);
        }

        @Override
        public AssetProcessor processor() {
            return new TilesProcessor(options, sources);
        }

        @Override
        public OutputLayout layout() {
            return options.target() == TilesOptions.Target.XYZ
                    ? new OutputLayout(options.output(), List.of(".png", ".json"), List.of())
                    : new OutputLayout(options.output().getParent(), List.of(".mbtiles", ".pmtiles"), List.of());
        }

        /** The tiles a metatile writes at most (0 for an unusable input). */
        @Override
        public long estimate(Asset asset) {
            if (asset.part() == null) {
                return 0;
            }
            try {
                MetatileSpec m = MetatileSpec.parse(asset.part());
                int maxZoom = options.maxZoom();
                int meta = (int) Math.min(TilesPlan.META, 1L << maxZoom);
                int levels = Integer.numberOfTrailingZeros(meta);
                long n = 0;
                for (int z = maxZoom; z >= Math.max(options.minZoom(), maxZoom - levels); z--) {
                    long side = meta >> (maxZoom - z);
                    n += options.renders(z) ? side * side : 0;
                }
                return m.zoom() == maxZoom ? n : 0;
            } catch (IllegalArgumentException e) {
                return 0;
            }
        }
    }
}
