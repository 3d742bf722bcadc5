package dev.cairn.cli;

import dev.cairn.engine.RunReport;
import dev.cairn.geo.convert.ConvertOptions;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.CoordinatePrecision;
import dev.cairn.geo.format.RequiredCrs;
import dev.cairn.geo.pipeline.FormatRegistry;
import dev.cairn.geo.pipeline.GeometryPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "convert", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Reproject and convert every vector file under the inputs into OUTDIR, mirroring the input tree.",
                "Run the same command again after an interruption to resume."},
        footer = {"", "Defaults for --to, --format, --assume-crs, --expect-crs, --on-invalid, --workers, --store, --log-format,",
                "-v and -q come from cairn.yaml (or --config FILE), then the environment",
                "(CAIRN_TO, CAIRN_WORKERS, ...: see 'cairn config --help'); flags win.",
                "'cairn config --show' prints the effective values and their sources."})
final class ConvertCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Input files or directories (searched recursively for .gpkg, .shp, .fgb, .geojson, .json, .geojsons, .geojsonl, .geojsonseq files).")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTDIR", description = "Output directory; the checkpoint lives in OUTDIR/.cairn/.")
    Path outDir;

    @Option(names = "--to", paramLabel = "CRS", defaultValue = ConfigKey.DEFAULT_TO, description = "Target CRS (default: ${DEFAULT-VALUE}). Outputs store x = longitude/easting.")
    String to;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = ConfigKey.DEFAULT_FORMAT, description = "Output format: gpkg (default), shp, geojson, geojsonseq or fgb. Inputs of every format are recognised by their content.")
    String format;

    @Option(names = "--assume-crs", paramLabel = "CRS", description = "CRS of source layers that declare none (otherwise they fail as a CRS error).")
    String assumeCrs;

    @Option(names = "--expect-crs", paramLabel = "CRS", description = "Every source layer must be in this CRS; one in another CRS fails as a CRS error (a guard against mixed inputs).")
    String expectCrs;

    @Option(names = "--on-invalid", paramLabel = "POLICY", defaultValue = ConfigKey.DEFAULT_ON_INVALID,
            description = "What an invalid geometry (OGC validity, checked as read) does: keep (default: written as read,"
                    + " not even checked, as ogr2ogr does), warn (checked, written as read and listed), fail (the file or chunk "
                    + "fails as a GEOMETRY error), skip (left out) or repair (fixed with JTS GeometryFixer). skip also leaves out "
                    + "geometries the target CRS cannot hold (a pole in Web Mercator). Features kept under warn, skipped or repaired "
                    + "are listed by 'cairn failures' with file, layer and fid.")
    String onInvalid;

    @Option(names = "--allow-ballpark",
            description = "Convert a layer whose CRS is on a datum EPSG knows no shift for (a custom .prj on an unnamed datum"
                    + " and another ellipsoid) by keeping latitude and longitude, as PROJ's ballpark does, instead of failing it"
                    + " as a CRS error. Each such layer is warned about once and listed by 'cairn failures': its coordinates may be"
                    + " off by the omitted datum shift, typically tens to hundreds of metres.")
    boolean allowBallpark;

    @Option(names = "--coordinate-precision", paramLabel = "N",
            description = "GeoJSON outputs: round coordinates to N decimals (7 is about 1 cm in degrees). Default: the shortest"
                    + " decimal that reads back as the same double, so nothing is lost and valid polygons stay valid.")
    String coordinatePrecision;

    @Option(names = "--chunk-features", paramLabel = "N", defaultValue = "200000",
            description = "A layer of more than N features (GeoPackage, Shapefile, FlatGeobuf, GeoJSON) is converted in chunks of N features, "
                    + "each checkpointed on its own (a kill redoes only the chunks in flight). 0: never chunk. Default: ${DEFAULT-VALUE}.")
    long chunkFeatures;

    @Option(names = "--store", paramLabel = "URL", description = "Checkpoint store: a SQLite file path or sqlite:PATH, or postgresql://HOST/DB (shared by many machines) (default: OUTDIR/.cairn/checkpoint.db).")
    String store;

    @Option(names = "--fresh", description = "Forget the checkpoint in OUTDIR and start the job over.")
    boolean fresh;

    @Mixin
    RunOptions run = new RunOptions();

    @Override
    public Integer call() {
        Signals signals = Signals.installed();
        String fmt = format.toLowerCase(Locale.ROOT);
        FormatRegistry formats = FormatRegistry.load();
        if (formats.forName(fmt).isEmpty()) {
            throw new CliException(RunReport.USAGE, Configuration.origin(spec, ConfigKey.FORMAT) + " " + format
                    + ": unknown output format; use one of " + String.join(", ", formats.names()) + ".");
        }
        // Validate every CRS before any I/O: an unknown code must leave OUTDIR untouched.
        String target = validateCrs(Configuration.origin(spec, ConfigKey.TO), to);
        Optional<RequiredCrs> required = formats.forName(fmt).get().requiredCrs();
        if (required.isPresent() && !required.get().code().equals(target)) {
            throw new CliException(RunReport.USAGE, Configuration.origin(spec, ConfigKey.TO) + " " + to + ": "
                    + required.get().rule() + "; leave --to out, or choose --format " + anyCrsFormats(formats) + ".");
        }
        String assumed = assumeCrs == null ? null : validateCrs(Configuration.origin(spec, ConfigKey.ASSUME_CRS), assumeCrs);
        String expected = expectCrs == null ? null : validateCrs(Configuration.origin(spec, ConfigKey.EXPECT_CRS), expectCrs);
        GeometryPolicy.OnInvalid policy;
        try {
            policy = GeometryPolicy.OnInvalid.parse(onInvalid);
        } catch (IllegalArgumentException e) {
            throw new CliException(RunReport.USAGE, Configuration.origin(spec, ConfigKey.ON_INVALID) + " " + onInvalid
                    + ": " + e.getMessage() + ".");
        }
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new CliException(RunReport.USAGE, "-o " + outDir + " exists and is not a directory.");
        }
        if (chunkFeatures < 0) {
            throw new CliException(RunReport.USAGE, "--chunk-features " + chunkFeatures + ": must be 0 (never chunk) or positive.");
        }
        CoordinatePrecision precision = CoordinatePrecision.SHORTEST;
        if (coordinatePrecision != null) {
            if (!formats.forName(fmt).get().writesDecimalCoordinates()) {
                throw new CliException(RunReport.USAGE, "--coordinate-precision " + coordinatePrecision
                        + ": applies to GeoJSON outputs (--format geojson or geojsonseq); --format " + fmt
                        + " stores coordinates as binary doubles.");
            }
            try {
                precision = CoordinatePrecision.parse(coordinatePrecision);
            } catch (IllegalArgumentException e) {
                throw new CliException(RunReport.USAGE, "--coordinate-precision " + coordinatePrecision + ": expected "
                        + e.getMessage() + ".");
            }
        }
        ConvertOptions options = new ConvertOptions(inputs, outDir, target, fmt, assumed, chunkFeatures, expected, policy,
                allowBallpark, precision);
        return JobExecution.start(options.toSpec(), options.outDir(), store, fresh, run.settings(), signals);
    }

    /** The formats that take any target CRS, for the message of a format that requires one. */
    private static String anyCrsFormats(FormatRegistry formats) {
        List<String> names = formats.providers().stream().filter(p -> p.requiredCrs().isEmpty())
                .map(p -> p.name()).toList();
        return names.size() < 2 ? String.join("", names)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** Returns the canonical spelling of a valid CRS code, or exits 2. */
    static String validateCrs(String option, String code) {
        try {
            CrsResolver.forCode(code);
            return CrsResolver.canonicalCode(code);
        } catch (CrsException e) {
            throw new CliException(RunReport.USAGE, option + " " + code + ": " + e.getMessage());
        }
    }
}
