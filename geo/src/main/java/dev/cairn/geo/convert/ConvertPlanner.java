package dev.cairn.geo.convert;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.gpkg.ChunkSpec;
import dev.cairn.geo.gpkg.FidRangePlanner;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.gpkg.GpkgProvider;
import dev.cairn.geo.pipeline.FormatRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the inputs of a convert job into assets: one per input GeoPackage, or, for a file with a
 * feature layer of more than {@link ConvertOptions#chunkFeatures()} features, one per
 * feature-range chunk of every layer of that file (see {@link ChunkSpec} for the part text and
 * {@link FidRangePlanner} for the cuts), with ids {@code OUTPUT#LAYER[K]}.
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
            } catch (dev.cairn.engine.AssetFailure notGeoJson) {
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
     * The feature layers of a GeoPackage input that goes to a single-layer format (one output per
     * layer), or an empty list when the file is not a readable GeoPackage: it is then planned as one
     * asset and fails, with its reason, when processed.
     */
    static List<String> gpkgLayers(Path file) {
        try (FeatureSource source = new GpkgProvider().open(file)) {
            return source.layers().stream().map(LayerDef::name).toList();
        } catch (dev.cairn.engine.AssetFailure | RuntimeException unreadable) {
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
        for (Path input : options.inputs()) {
            if (!Files.exists(input)) {
                throw new PlanningException("Input " + input + " does not exist.");
            }
            List<Path[]> found = new ArrayList<>(); // {file, path relative to output root}
            if (Files.isDirectory(input)) {
                walk(input, options.outDir(), found);
            } else {
                found.add(new Path[] {input, input.getFileName()});
            }
            for (Path[] f : found) {
                Path file = f[0];
                String relInput = f[1].toString().replace('\\', '/');
                boolean gpkgInput = relInput.toLowerCase(Locale.ROOT).endsWith(".gpkg");
                List<String> perLayer = !out.multiLayer() && gpkgInput ? gpkgLayers(file) : List.of();
                String rel = replaceExtension(relInput, ext);
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
                    // b.rivers.shp; a layer above --chunk-features is chunked into its own staging file.
                    List<FidRangePlanner.LayerRanges> all = FidRangePlanner.plan(file, options.chunkFeatures());
                    for (String layer : perLayer) {
                        String relLayer = replaceExtension(relInput, "." + fileSafe(layer) + ext);
                        claimOutput(byOutput, relLayer, file, options);
                        String outLayer = options.outDir().resolve(relLayer).toString();
                        List<FidRangePlanner.LayerRanges> mine = all.stream()
                                .filter(r -> r.layer().equals(layer) && r.chunks() > 1).toList();
                        if (mine.isEmpty()) {
                            assets.add(new Asset(relLayer, file.toString(), LAYER_PART + layer, outLayer, size, mtime));
                        } else {
                            for (ChunkSpec chunk : chunks(mine, planKey(options, relLayer, size, mtime, mine))) {
                                assets.add(new Asset(chunkId(relLayer, chunk), file.toString(), chunk.toPart(), outLayer,
                                        size, mtime));
                            }
                        }
                    }
                    continue;
                }
                claimOutput(byOutput, rel, file, options);
                String output = options.outDir().resolve(rel).toString();
                // Chunks of a GeoPackage input commit exactly once into a staging GeoPackage that
                // becomes the output (GeoPackage) or is exported into it (other formats: here the
                // input has at most one feature layer).
                List<FidRangePlanner.LayerRanges> ranges = gpkgInput
                        ? FidRangePlanner.plan(file, options.chunkFeatures()) : List.of();
                List<ChunkSpec> chunks = ranges.isEmpty()
                        ? positionChunks(file, options, rel, size, mtime) : chunks(ranges, planKey(options, rel, size, mtime, ranges));
                if (chunks.isEmpty()) {
                    assets.add(new Asset(rel, file.toString(), null, output, size, mtime));
                } else {
                    for (ChunkSpec chunk : chunks) {
                        assets.add(new Asset(chunkId(rel, chunk), file.toString(), chunk.toPart(), output, size, mtime));
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

    private static void claimOutput(Map<String, Path> byOutput, String rel, Path file, ConvertOptions options)
            throws PlanningException {
        Path previous = byOutput.putIfAbsent(rel, file);
        if (previous != null && !previous.equals(file)) {
            throw new PlanningException("Inputs " + previous + " and " + file + " would both be written to "
                    + options.outDir().resolve(rel) + ". Rename one, or convert them into separate output directories.");
        }
        if (previous != null) {
            throw new PlanningException("Two layers of " + file + " would both be written to "
                    + options.outDir().resolve(rel) + " (their names differ only in characters a file name cannot hold).");
        }
    }

    /** The chunks of a file, layer by layer in the plan's order, every layer's range in fid order. */
    static List<ChunkSpec> chunks(List<FidRangePlanner.LayerRanges> ranges, String planKey) {
        int total = ranges.stream().mapToInt(FidRangePlanner.LayerRanges::chunks).sum();
        List<ChunkSpec> chunks = new ArrayList<>(total);
        for (FidRangePlanner.LayerRanges layer : ranges) {
            for (int k = 0; k < layer.chunks(); k++) {
                chunks.add(new ChunkSpec(layer.layer(), k, layer.chunks(), total, layer.from(k), layer.to(k), planKey));
            }
        }
        return chunks;
    }

    /**
     * Input formats whose cursors start near a feature position without reading what comes before:
     * by record (Shapefile .shx, FlatGeobuf feature offsets) or by the sparse byte index a GeoJSON
     * file's schema pass makes (the pass this planning runs is kept for the chunks, see the
     * geojson package's ScanCache).
     */
    private static final Set<String> SEEKABLE = Set.of("shp", "fgb", "geojson", "geojsonseq");

    /**
     * Position-range chunks of a single-layer Shapefile, FlatGeobuf, GeoJSON or GeoJSONSeq file
     * with more features than {@code --chunk-features}: {@code [k * N, (k + 1) * N)}, the last one
     * open-ended.
     */
    static List<ChunkSpec> positionChunks(Path file, ConvertOptions options, String rel, long size, long mtime)
            throws PlanningException {
        long n = options.chunkFeatures();
        if (n <= 0 || size < 8 * n) {
            return List.of(); // a record or feature takes at least 8 bytes: too small to hold N features
        }
        try {
            FormatProvider format = FORMATS.detect(file);
            if (!SEEKABLE.contains(format.name())) {
                return List.of();
            }
            List<LayerDef> layers;
            try (FeatureSource source = format.open(file)) {
                layers = source.layers();
            }
            if (layers.size() != 1 || layers.get(0).featureCount() <= n) {
                return List.of();
            }
            LayerDef layer = layers.get(0);
            int count = (int) Math.min(Integer.MAX_VALUE, (layer.featureCount() + n - 1) / n);
            String key = planKey(options, rel, size, mtime, List.of()); // the cuts follow from size, mtime and N
            List<ChunkSpec> chunks = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                chunks.add(new ChunkSpec(layer.name(), k, count, count, k * n, k == count - 1 ? null : (k + 1) * n,
                        key, true));
            }
            return chunks;
        } catch (AssetFailure unreadable) {
            return List.of(); // converted whole; its processing reports what is wrong with it
        }
    }

    /** The id of a chunk asset: {@code OUTPUT#LAYER[K]}, stable for as long as the plan is. */
    static String chunkId(String rel, ChunkSpec chunk) {
        return rel + "#" + chunk.layer() + "[" + chunk.index() + "]";
    }

    /**
     * Names the staging file of a chunked file: a digest of the job's options, the output, the
     * input's fingerprint and every boundary, so a changed input, another plan or another job
     * ({@code --fresh} with other options) never finds chunks committed for something else.
     */
    static String planKey(ConvertOptions options, String rel, long size, long mtime,
            List<FidRangePlanner.LayerRanges> ranges) {
        StringBuilder text = new StringBuilder(options.toSpec().fingerprint()).append('\n').append(rel)
                .append('\n').append(size).append('\n').append(mtime).append('\n');
        for (FidRangePlanner.LayerRanges layer : ranges) {
            text.append(layer.layer()).append('\0').append(layer.starts()).append('\n');
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static void walk(Path root, Path outDir, List<Path[]> found) throws PlanningException {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    boolean hidden = !dir.equals(root) && dir.getFileName().toString().startsWith(".");
                    return hidden || dir.equals(outDir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && isCandidate(file) && !file.getFileName().toString().startsWith(".")) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new PlanningException("Cannot list " + root + ": " + e.getMessage());
        }
        files.sort(null);
        for (Path f : files) {
            found.add(new Path[] {f, root.relativize(f)});
        }
    }

    static String replaceExtension(String path, String ext) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return (dot > slash + 1 ? path.substring(0, dot) : path) + ext;
    }
}
