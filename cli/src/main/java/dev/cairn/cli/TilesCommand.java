package dev.cairn.cli;

import dev.cairn.engine.AssetState;
import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.JobRecord;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.RunReport;
import dev.cairn.raster.tiles.TilesJobType;
import dev.cairn.raster.tiles.TilesOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Command(name = "tiles", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Render GeoTIFFs (files, directories or http(s) URLs) into one web-map tile set"
                        + " (Web Mercator, 256-pixel PNG tiles): an XYZ folder Z/X/Y.png, an .mbtiles or a .pmtiles file.",
                "Run the same command again after an interruption to resume: only the metatiles (8 x 8 tiles and"
                        + " the zooms they reduce to) that were in flight are redone. Run it with a wider --zoom once"
                        + " it is finished to add zooms: only the new ones are rendered."})
final class TilesCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(TilesCommand.class);

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "GeoTIFF files, directories (searched recursively for .tif and .tiff files) or http(s):// URLs; all of them make one tile set, a later one drawn over an earlier one.")
    List<String> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "An XYZ folder, or a .mbtiles or .pmtiles file. The checkpoint lives in OUT/.cairn/ (for a file: DIR/.cairn/NAME/.cairn/).")
    Path output;

    @Option(names = "--zoom", required = true, paramLabel = "MIN-MAX", description = "Zoom levels, e.g. 0-14 (or one zoom).")
    String zoom;

    @Option(names = "--resampling", paramLabel = "METHOD", defaultValue = "average", description = "nearest, bilinear, cubic or average (default), as gdal2tiles' -r.")
    String resampling;

    @Option(names = "--bands", paramLabel = "B[,G,B]", description = "Source bands shown: one (grey) or three (red,green,blue), numbered from 1, e.g. 3,2,1. Default: the first three of three or more bands, else the first.")
    String bands;

    @Option(names = "--scale", paramLabel = "MIN,MAX", description = "Source values shown as 0 and 255. Default: 8-bit data as it is; other types from their minimum and maximum over a sample.")
    String scale;

    @Option(names = "--tms", description = "XYZ folder: number rows from the south (TMS) instead of the north.")
    boolean tms;

    @Option(names = "--io-concurrency", paramLabel = "N", defaultValue = "8", description = "HTTP inputs: range requests in flight at once (default: ${DEFAULT-VALUE}).")
    int ioConcurrency;

    @Option(names = "--store", paramLabel = "URL", description = "Checkpoint store: a SQLite file path or sqlite:PATH, or postgresql://HOST/DB (shared by many machines) (default: under OUT, see -o).")
    String store;

    @Option(names = "--fresh", description = "Forget the checkpoint of OUT and start the job over.")
    boolean fresh;

    @Mixin
    RunOptions run = new RunOptions();

    @Override
    public Integer call() {
        Signals signals = Signals.installed();
        if (ioConcurrency < 1) {
            throw new CliException(RunReport.USAGE, "--io-concurrency " + ioConcurrency + ": must be at least 1.");
        }
        TilesOptions options;
        try {
            int[] z = TilesOptions.parseZoom(zoom);
            options = new TilesOptions(inputs, output, z[0], z[1], resampling,
                    bands == null ? null : TilesOptions.parseBands(bands),
                    scale == null ? null : TilesOptions.parseScale(scale), tms);
        } catch (IllegalArgumentException e) {
            throw new CliException(RunReport.USAGE, e.getMessage() + ".");
        }
        if (options.target() == TilesOptions.Target.XYZ && Files.exists(output) && !Files.isDirectory(output)) {
            throw new CliException(RunReport.USAGE, "-o " + output + " exists and is not a directory (name a .mbtiles"
                    + " or .pmtiles file, or a folder for XYZ tiles).");
        }
        if (options.target() != TilesOptions.Target.XYZ && Files.isDirectory(output)) {
            throw new CliException(RunReport.USAGE, "-o " + output + " is a directory; a ." + (options.target()
                    == TilesOptions.Target.MBTILES ? "mbtiles" : "pmtiles") + " output is a file.");
        }
        System.setProperty(TilesJobType.IO_CONCURRENCY_PROPERTY, Integer.toString(ioConcurrency));
        return JobExecution.start(specFor(options), options.output(), store, fresh, run.settings(), signals);
    }

    /**
     * The spec to run: the requested one; or, when the checkpoint holds this very job with a
     * narrower zoom range and it is finished, the job that adds only the new zooms (the earlier
     * job is forgotten, its tiles stay); or the widened job recorded by an earlier such run.
     * Any other difference is refused later as option drift.
     */
    private JobSpec specFor(TilesOptions requested) {
        if (fresh) {
            return requested.toSpec();
        }
        try (CheckpointStore cp = Stores.open(requested.output(), store)) {
            JobRecord stored = cp.job().orElse(null);
            if (stored == null || !TilesOptions.KIND.equals(stored.kind())) {
                return requested.toSpec();
            }
            TilesOptions earlier;
            try {
                earlier = TilesOptions.fromSpec(JobSpec.of(stored));
            } catch (RuntimeException unreadable) {
                return requested.toSpec();
            }
            if (earlier.asRequested().equals(requested)) {
                return earlier.toSpec();
            }
            TilesOptions wider = earlier.widen(requested);
            if (wider == null) {
                return requested.toSpec();
            }
            Map<AssetState, Long> counts = cp.counts();
            long unfinished = counts.getOrDefault(AssetState.PENDING, 0L) + counts.getOrDefault(AssetState.RUNNING, 0L);
            Path made = requested.target() == TilesOptions.Target.XYZ ? requested.output().resolve("metadata.json")
                    : requested.output();
            if (unfinished > 0 || !Files.exists(made)) {
                throw new CliException(RunReport.USAGE, "--zoom " + zoom + ": the tiles of " + requested.output()
                        + " at zooms " + earlier.minZoom() + "-" + earlier.maxZoom() + " are not finished (" + unfinished
                        + " metatiles to do" + (Files.exists(made) ? "" : ", not published") + "). Finish them first"
                        + " ('cairn resume " + requested.output() + "', 'cairn retry-failures'); a wider --zoom then"
                        + " adds only the new zooms. Or start over with --fresh.");
            }
            log.atInfo().addKeyValue("event", "zooms_widened")
                    .log("--zoom {}: {} holds zooms {}-{}; only the zooms outside them are rendered", zoom,
                            requested.output(), earlier.minZoom(), earlier.maxZoom());
            cp.clear();
            return wider.toSpec();
        }
    }
}
