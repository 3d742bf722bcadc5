package dev.cairn.raster.tiles;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.InputTree;
import dev.cairn.engine.PlanningException;
import dev.cairn.engine.RetrySettings;
import dev.cairn.raster.DataType;
import dev.cairn.raster.io.ByteSource;
import dev.cairn.raster.io.ByteSources;
import dev.cairn.raster.io.RemoteSourceException;
import dev.cairn.raster.io.SourceChangedException;
import dev.cairn.raster.tiff.TiffFormatException;
import dev.cairn.raster.tiff.GeoTiffReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the inputs of a tiles job into assets: one per metatile of the one tile set they make
 * ({@link TilesPlan}), ids {@code OUTPUT#meta[Z/MX/MY]}, plus one per input that cannot be used
 * (not a TIFF, truncated — every block is checked to lie inside the file —, not georeferenced, an
 * HTTP 404),
 * which fails with its reason when processed — a dead letter — while the tile set is made from
 * the others.
 *
 * <p>Planning reads each input's header (a few KB; for a URL, one range request). The same
 * derivation ({@link #derive}) runs again in every process that renders metatiles, so each
 * metatile can check that it works on the plan it was cut from.
 */
final class TilesPlanner {
    private TilesPlanner() {
    }

    /** An input file: its path or URL, and its size and modification time (0 for a URL). */
    record Input(String name, long size, long mtime) {
    }

    /** The plan over the usable inputs (null when there is none), and why each other input is not used. */
    record Derived(TilesPlan plan, List<Input> inputs, Map<String, AssetFailure> unusable) {
    }

    static boolean isCandidate(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".tif") || name.endsWith(".tiff");
    }

    /** The input files under the job's inputs (directories searched recursively), in order. */
    static List<Input> inputs(TilesOptions options) throws PlanningException {
        List<Input> found = new ArrayList<>();
        for (String input : options.inputs()) {
            if (TilesOptions.isUrl(input)) {
                found.add(new Input(input, 0, 0));
                continue;
            }
            Path p = Path.of(input);
            if (!Files.exists(p)) {
                throw new PlanningException("Input " + p + " does not exist.");
            }
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(p)) {
                Path exclude = options.target() == TilesOptions.Target.XYZ ? options.output() : options.output().getParent();
                for (InputTree.Found f : InputTree.files(p, exclude, TilesPlanner::isCandidate)) {
                    files.add(f.file());
                }
            } else {
                files.add(p);
            }
            for (Path f : files) {
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    found.add(new Input(f.toString(), a.size(), a.lastModifiedTime().toMillis()));
                } catch (IOException e) {
                    throw new PlanningException("Cannot read " + f + ": " + e.getMessage());
                }
            }
        }
        if (found.isEmpty()) {
            throw new PlanningException("No GeoTIFF (.tif, .tiff) found in " + String.join(", ", options.inputs()) + ".");
        }
        return found;
    }

    /**
     * Reads every input's header and derives the plan over those that can be used. A URL that
     * fails with a transient error (its requests gave up after their retries: 5xx, resets,
     * timeouts) is tried again with the backoff of an asset's transient failure
     * ({@link RetrySettings#ASSET_MAX_TRIES} tries), since an input left out of the plan can only be
     * added by running the command again.
     */
    static Derived derive(TilesOptions options, List<Input> inputs, ByteSources sources) {
        List<TilesPlan.Source> usable = new ArrayList<>();
        Map<String, AssetFailure> unusable = new LinkedHashMap<>();
        double[] range = null;
        for (Input in : inputs) {
            for (int attempt = 1;; attempt++) {
                try (ByteSource source = sources.open(in.name()); GeoTiffReader reader = GeoTiffReader.open(source)) {
                    reader.image().checkBlocksInsideFile();
                    TilesPlan.Source s = TilesPlan.source(in.name(), source.version(), reader.image());
                    TilesPlan.check(options, s);
                    if (options.scale() == null && s.type() != DataType.UINT8) {
                        double[] r = SampleRange.of(reader, TilesPlan.shownBands(options, s.bands(), reader.image().alphaBand()));
                        if (r == null) {
                            throw AssetFailure.permanent(ErrorClass.FORMAT, in.name() + ": no valid value in a sample of its"
                                    + " " + s.type().name().toLowerCase(java.util.Locale.ROOT) + " samples to scale them"
                                    + " from; give --scale MIN,MAX");
                        }
                        range = range == null ? r : new double[] {Math.min(range[0], r[0]), Math.max(range[1], r[1])};
                    }
                    usable.add(s);
                    break;
                } catch (AssetFailure e) {
                    unusable.put(in.name(), e);
                    break;
                } catch (IOException | RuntimeException e) {
                    if (attempt < RetrySettings.ASSET_MAX_TRIES && remoteAndTransient(in.name(), e)) {
                        waitBeforeTry(attempt + 1);
                        continue;
                    }
                    String message = e.getMessage() == null ? e.toString() : e.getMessage();
                    unusable.put(in.name(), AssetFailure.permanent(e instanceof IOException ? ErrorClass.FORMAT
                            : ErrorClass.INTERNAL, message.startsWith(in.name()) ? message : in.name() + ": " + message, e));
                    break;
                }
            }
        }
        TilesPlan plan = null;
        if (!usable.isEmpty()) {
            try {
                if (range != null && !(range[0] < range[1])) {
                    range = new double[] {range[0], range[0] + 1};
                }
                plan = TilesPlan.of(options, usable, range);
            } catch (AssetFailure e) {
                throw new IllegalStateException("sources were checked one by one", e);
            }
        }
        return new Derived(plan, inputs, unusable);
    }

    private static boolean remoteAndTransient(String name, Exception e) {
        String lower = name.toLowerCase(Locale.ROOT);
        return (lower.startsWith("http://") || lower.startsWith("https://")) && e instanceof IOException
                && !(e instanceof RemoteSourceException) && !(e instanceof SourceChangedException)
                && !(e instanceof TiffFormatException);
    }

    private static void waitBeforeTry(int attempt) {
        long base = RetrySettings.ASSET_BACKOFF_BASE.toMillis() << Math.min(attempt - 2, 10);
        long millis = Math.min(base, RetrySettings.ASSET_BACKOFF_MAX.toMillis());
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The output every asset names: the tile file, or the XYZ folder's metadata.json (written last). */
    static Path outputOf(TilesOptions options) {
        return options.target() == TilesOptions.Target.XYZ ? options.output().resolve(TilesPublisher.XYZ_METADATA)
                : options.output();
    }

    static List<Asset> plan(TilesOptions options, ByteSources sources) throws PlanningException {
        List<Input> inputs = inputs(options);
        Derived d = derive(options, inputs, sources);
        String output = outputOf(options).toString();
        String name = options.output().getFileName().toString();
        List<Asset> assets = new ArrayList<>();
        for (Input in : inputs) {
            if (d.unusable().containsKey(in.name())) {
                assets.add(new Asset(name + "#input[" + in.name() + "]", in.name(), null, output, in.size(), in.mtime()));
            }
        }
        if (d.plan() != null) {
            for (MetatileSpec m : d.plan().metatiles()) {
                assets.add(new Asset(name + m.idSuffix(), String.join("\n", options.inputs()), m.toPart(), output, 0, 0));
            }
            if (d.plan().metatilesAreMade()) {
                assets.add(new Asset(name + "#lower-zooms", String.join("\n", options.inputs()), d.plan().lowerPart(),
                        output, 0, 0));
            }
        }
        return assets;
    }
}
