package dev.cairn.raster.job;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.InputTree;
import dev.cairn.engine.PlanningException;
import dev.cairn.raster.io.ByteSource;
import dev.cairn.raster.io.ByteSources;
import dev.cairn.raster.tiff.GeoTiffReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the inputs of a warp job into assets: one per window of each output ({@link WarpPlan},
 * {@link WindowSpec}), ids {@code OUTPUT#window[K]}. Output paths mirror the input tree
 * ({@code INPUT/a/b.tiff} → {@code OUTDIR/a/b.tif}; a file or URL input lands at the top of
 * OUTDIR under its own name); two inputs mapping to one output are a planning error.
 *
 * <p>Planning reads each input's header (a few KB; for a URL, one range request): an input that
 * cannot be read or planned (not a TIFF, no georeferencing, an HTTP 404) is planned as one asset,
 * which fails with its reason when processed, so that the batch goes on and the reason lands in
 * {@code cairn failures}.
 */
final class WarpPlanner {
    private WarpPlanner() {
    }

    static boolean isCandidate(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".tif") || name.endsWith(".tiff");
    }

    static List<Asset> plan(WarpOptions options, ByteSources sources) throws PlanningException {
        List<Asset> assets = new ArrayList<>();
        Map<String, String> byOutput = new HashMap<>();
        for (String input : options.inputs()) {
            List<String[]> found = new ArrayList<>(); // {input, output path relative to OUTDIR}
            if (WarpOptions.isUrl(input)) {
                found.add(new String[] {input, urlName(input)});
            } else {
                Path p = Path.of(input);
                if (!Files.exists(p)) {
                    throw new PlanningException("Input " + p + " does not exist.");
                }
                if (Files.isDirectory(p)) {
                    for (InputTree.Found f : InputTree.files(p, options.outDir(), WarpPlanner::isCandidate)) {
                        found.add(new String[] {f.file().toString(), f.relative().toString().replace('\\', '/')});
                    }
                } else {
                    found.add(new String[] {p.toString(), p.getFileName().toString()});
                }
            }
            for (String[] f : found) {
                String rel = withTifExtension(f[1]);
                String previous = byOutput.putIfAbsent(rel, f[0]);
                if (previous != null) {
                    throw new PlanningException("Inputs " + previous + " and " + f[0] + " would both be written to "
                            + options.outDir().resolve(rel) + ". Rename one, or warp them into separate output directories.");
                }
                assets.addAll(assetsOf(f[0], rel, options, sources));
            }
        }
        if (assets.isEmpty()) {
            throw new PlanningException("No GeoTIFF (.tif, .tiff) found in " + String.join(", ", options.inputs()) + ".");
        }
        return assets;
    }

    /** The windows of one input, or one whole-input asset when it cannot be planned (it fails with its reason). */
    private static List<Asset> assetsOf(String input, String rel, WarpOptions options, ByteSources sources)
            throws PlanningException {
        String output = options.outDir().resolve(rel).toString();
        long size = 0;
        long mtime = 0;
        if (!WarpOptions.isUrl(input)) {
            try {
                BasicFileAttributes attrs = Files.readAttributes(Path.of(input), BasicFileAttributes.class);
                size = attrs.size();
                mtime = attrs.lastModifiedTime().toMillis();
            } catch (IOException e) {
                throw new PlanningException("Cannot read " + input + ": " + e.getMessage());
            }
        }
        WarpPlan plan;
        try (ByteSource source = sources.open(input); GeoTiffReader reader = GeoTiffReader.open(source)) {
            if (WarpOptions.isUrl(input)) {
                size = source.size();
            }
            plan = WarpPlan.of(options, input, reader.image(), source.version());
        } catch (IOException | AssetFailure | RuntimeException unplannable) {
            return List.of(new Asset(rel, input, null, output, size, mtime));
        }
        List<Asset> assets = new ArrayList<>(plan.windows().size());
        for (WindowSpec w : plan.windows()) {
            assets.add(new Asset(rel + "#window[" + w.index() + "]", input, w.toPart(), output, size, mtime));
        }
        return assets;
    }

    private static String urlName(String url) {
        String path = URI.create(url).getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() ? "download.tif" : name;
    }

    static String withTifExtension(String rel) {
        int slash = rel.lastIndexOf('/');
        int dot = rel.lastIndexOf('.');
        return (dot > slash + 1 ? rel.substring(0, dot) : rel) + ".tif";
    }
}
