package dev.cairn.geo.convert;

import dev.cairn.engine.PlanningException;
import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.InputTree;
import dev.cairn.geo.chunk.ChunkPlanner;
import dev.cairn.geo.format.ChunkSpec;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.pipeline.FormatRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the inputs of a convert job into assets: one per input GeoPackage, or, for a file with a
 * feature layer of more than {@link ConvertOptions#chunkFeatures()} features, one per
 * feature-range chunk of every layer of that file (see {@link ChunkSpec} for the part text and
 * {@link ChunkPlanner} for the cuts), with ids {@code OUTPUT#LAYER[K]}. Formats are told by
 * content and asked for their capabilities; this class names none.
 *
 * <p>Output paths mirror the input tree: {@code INPUT/a/b.gpkg} becomes {@code OUTDIR/a/b.gpkg}
 * for a directory input, and a file input lands at the top of OUTDIR. Two inputs that would map
 * to one output are a planning error, never a silent overwrite. Hidden directories (such as
 * {@code .cairn}) and OUTDIR itself are not searched. An asset's id is its output path relative to
 * OUTDIR, stable across runs.
 */
public final class ConvertPlanner {
    private ConvertPlanner() {
    }

    static final FormatRegistry FORMATS = FormatRegistry.load();

    /**
     * Whether a file found in a directory input is an input: its extension is one of a format's
     * (a file named explicitly is taken whatever its name). A file with a format's extension but
     * other content becomes a dead letter at processing, except {@code .json}, which is common
     * for non-geographic data: such a file is an input only if its content is GeoJSON.
     */
    static boolean isCandidate(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            try {
                return FORMATS.detect(file).name().startsWith("geojson");
            } catch (AssetFailure notGeoJson) {
                return false;
            }
        }
        return FORMATS.extensions().stream().anyMatch(name::endsWith);
    }

    /** The output format named by {@code --format}. */
    static FormatProvider outputFormat(ConvertOptions options) throws PlanningException {
        return FORMATS.forName(options.format()).orElseThrow(() -> new PlanningException("--format "
                + options.format() + ": unknown output format; use one of " + String.join(", ", FORMATS.names()) + "."));
    }

    /**
     * The format of an input by content, or null when it is unreadable or of no known format (it is
     * then planned as one asset and fails, with its reason, when processed).
     */
    static FormatProvider formatOf(Path file) {
        try {
            return FORMATS.detect(file);
        } catch (AssetFailure unknown) {
            return null;
        }
    }

    /**
     * The layers (feature layers and tables without geometry) of a multi-layer input that goes to
     * a single-layer format (one output per layer), or an empty list when the file cannot be read:
     * it is then planned as one asset and fails, with its reason, when processed.
     */
    static List<LayerDef> layersOf(Path file, FormatProvider format) {
        try (FeatureSource source = format.open(file)) {
            return source.layers();
        } catch (AssetFailure | RuntimeException unreadable) {
            return List.of();
        }
    }

    /** A layer name made safe as part of a file name. */
    static String fileSafe(String layer) {
        return layer.replaceAll("[^\\p{L}\\p{N}._-]", "_");
    }

    public static List<Asset> plan(ConvertOptions options) throws PlanningException {
        List<Asset> assets = new ArrayList<>();
        Map<String, Path> byOutput = new HashMap<>();
        FormatProvider out = outputFormat(options);
        String ext = out.extensions().get(0);
        String fingerprint = options.toSpec().fingerprint();
        for (Path input : options.inputs()) {
            if (!Files.exists(input)) {
                throw new PlanningException("Input " + input + " does not exist.");
            }
            List<Path[]> found = new ArrayList<>(); // {file, path relative to output root}
            if (Files.isDirectory(input)) {
                for (InputTree.Found f : InputTree.files(input, options.outDir(), ConvertPlanner::isCandidate)) {
                    found.add(new Path[] {f.file(), f.relative()});
                }
            } else {
                found.add(new Path[] {input, input.getFileName()});
            }
            for (Path[] f : found) {
                Path file = f[0];
                String relInput = f[1].toString().replace('\\', '/');
                FormatProvider in = formatOf(file);
                List<LayerDef> perLayer = !out.multiLayer() && in != null && in.multiLayer() ? layersOf(file, in) : List.of();
                // a lone table without geometry may have an output of its own kind (a Shapefile's .dbf)
                String rel = replaceExtension(relInput, perLayer.size() == 1 ? out.outputExtension(perLayer.get(0)) : ext);
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (IOException e) {
                    throw new PlanningException("Cannot read " + file + ": " + e.getMessage());
                }
                long size = attrs.size();
                long mtime = attrs.lastModifiedTime().toMillis();
                if (perLayer.size() > 1) {
                    // A multi-layer GeoPackage into a single-layer format: b.gpkg -> b.roads.shp,
                    // b.rivers.shp (an attribute table b.codes.dbf); a layer above --chunk-features is
                    // chunked into its own staging file.
                    for (LayerDef def : perLayer) {
                        String layer = def.name();
                        String relLayer = replaceExtension(relInput, "." + fileSafe(layer) + out.outputExtension(def));
                        claimOutput(byOutput, relLayer, file, options, out);
                        String outLayer = options.outDir().resolve(relLayer).toString();
                        List<ChunkSpec> mine = ChunkPlanner.plan(file, in, options.chunkFeatures(), layer, fingerprint,
                                relLayer, size, mtime);
                        if (mine.isEmpty()) {
                            assets.add(new Asset(relLayer, file.toString(), LAYER_PART + layer, outLayer, size, mtime));
                        } else {
                            for (ChunkSpec chunk : mine) {
                                assets.add(new Asset(ChunkPlanner.chunkId(relLayer, chunk), file.toString(), chunk.toPart(),
                                        outLayer, size, mtime));
                            }
                        }
                    }
                    continue;
                }
                claimOutput(byOutput, rel, file, options, out);
                String output = options.outDir().resolve(rel).toString();
                // Chunks of a GeoPackage input commit exactly once into a staging GeoPackage that
                // becomes the output (GeoPackage) or is exported into it (other formats: here the
                // input has at most one feature layer).
                List<ChunkSpec> chunks = in == null ? List.of()
                        : ChunkPlanner.plan(file, in, options.chunkFeatures(), null, fingerprint, rel, size, mtime);
                if (chunks.isEmpty()) {
                    assets.add(new Asset(rel, file.toString(), null, output, size, mtime));
                } else {
                    for (ChunkSpec chunk : chunks) {
                        assets.add(new Asset(ChunkPlanner.chunkId(rel, chunk), file.toString(), chunk.toPart(), output,
                                size, mtime));
                    }
                }
            }
        }
        if (assets.isEmpty()) {
            throw new PlanningException("No vector file (" + String.join(", ", FORMATS.extensions()) + ") found in " + String.join(", ",
                    options.inputs().stream().map(Path::toString).toList()) + ".");
        }
        return assets;
    }

    /** The part of an asset that converts one layer of a multi-layer input: {@code layer=NAME}. */
    public static final String LAYER_PART = "layer=";

    /**
     * Records that {@code file} writes {@code rel}, refusing a second input (or layer) that would
     * write the same. For a format with sidecars (Shapefile) the files of one output share its name
     * without extension, so that name is what is claimed: {@code b.codes.dbf} (an attribute table
     * of {@code b.gpkg}) and the {@code .dbf} of {@code b.codes.shp} would be one file.
     */
    private static void claimOutput(Map<String, Path> byOutput, String rel, Path file, ConvertOptions options,
            FormatProvider out) throws PlanningException {
        boolean byStem = !out.sidecarExtensions().isEmpty();
        String key = byStem ? replaceExtension(rel, "") : rel;
        String shown = options.outDir().resolve(key) + (byStem ? ".*" : "");
        Path previous = byOutput.putIfAbsent(key, file);
        if (previous != null && !previous.equals(file)) {
            throw new PlanningException("Inputs " + previous + " and " + file + " would both be written to "
                    + shown + ". Rename one, or convert them into separate output directories.");
        }
        if (previous != null) {
            throw new PlanningException("Two layers of " + file + " would both be written to "
                    + shown + " (their names differ only in characters a file name cannot hold).");
        }
    }

    static String replaceExtension(String path, String ext) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return (dot > slash + 1 ? path.substring(0, dot) : path) + ext;
    }
}
