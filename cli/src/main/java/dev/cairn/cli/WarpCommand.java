package dev.cairn.cli;

import dev.cairn.engine.RunReport;
import dev.cairn.raster.job.WarpOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "warp", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Reproject every GeoTIFF under the inputs (files, directories or http(s) URLs) into a"
                        + " Cloud-Optimized GeoTIFF in OUTDIR, mirroring the input tree.",
                "Run the same command again after an interruption to resume: only the windows of output blocks that"
                        + " were in flight are redone."})
final class WarpCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "GeoTIFF files, directories (searched recursively for .tif and .tiff files) or http(s):// URLs (read with range requests).")
    List<String> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTDIR", description = "Output directory; the checkpoint lives in OUTDIR/.cairn/.")
    Path outDir;

    @Option(names = "--to", required = true, paramLabel = "CRS", description = "Target CRS, e.g. EPSG:3857.")
    String to;

    @Option(names = "--resampling", paramLabel = "METHOD", defaultValue = "nearest", description = "nearest (default), bilinear, cubic or average, as gdalwarp's -r.")
    String resampling;

    @Option(names = "--resolution", paramLabel = "R", description = "Output pixel size in target CRS units (gdalwarp -tr R R). Default: gdalwarp's, about as many pixels as the input.")
    Double resolution;

    @Option(names = "--target-extent", paramLabel = "XMIN,YMIN,XMAX,YMAX", description = "Output extent in the target CRS (gdalwarp -te).")
    String targetExtent;

    @Option(names = "--compress", paramLabel = "CODEC", defaultValue = "deflate", description = "COG compression: deflate (default), zstd, lzw or none.")
    String compress;

    @Option(names = "--block-size", paramLabel = "N", defaultValue = "512", description = "COG tile size in pixels, a power of two from 256 to 4096 (default: ${DEFAULT-VALUE}).")
    int blockSize;

    @Option(names = "--alpha", description = "8-bit inputs get an alpha band: 255 where a pixel has data, 0 outside the source (gdalwarp -dstalpha). Without it the outside is the source's nodata value, else 0.")
    boolean alpha;

    @Option(names = "--io-concurrency", paramLabel = "N", defaultValue = "8", description = "HTTP inputs: range requests in flight at once (default: ${DEFAULT-VALUE}).")
    int ioConcurrency;

    @Option(names = "--store", paramLabel = "URL", description = "Checkpoint store: a SQLite file path or sqlite:PATH, or postgresql://HOST/DB (shared by many machines) (default: OUTDIR/.cairn/checkpoint.db).")
    String store;

    @Option(names = "--fresh", description = "Forget the checkpoint in OUTDIR and start the job over.")
    boolean fresh;

    @Mixin
    RunOptions run = new RunOptions();

    @Override
    public Integer call() {
        Signals signals = Signals.installed();
        String target = ConvertCommand.validateCrs("--to", to);
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new CliException(RunReport.USAGE, "-o " + outDir + " exists and is not a directory.");
        }
        if (ioConcurrency < 1) {
            throw new CliException(RunReport.USAGE, "--io-concurrency " + ioConcurrency + ": must be at least 1.");
        }
        WarpOptions options;
        try {
            options = new WarpOptions(inputs, outDir, target, resampling, resolution,
                    targetExtent == null ? null : WarpOptions.parseExtent(targetExtent), compress, blockSize, alpha);
        } catch (IllegalArgumentException e) {
            throw new CliException(RunReport.USAGE, e.getMessage() + ".");
        }
        System.setProperty(WarpOptions.IO_CONCURRENCY_PROPERTY, Integer.toString(ioConcurrency));
        return JobExecution.start(options.toSpec(), options.outDir(), store, fresh, run.settings(), signals);
    }
}
