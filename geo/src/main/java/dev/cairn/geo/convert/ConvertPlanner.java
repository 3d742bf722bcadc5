package dev.cairn.geo.convert;

import dev.cairn.engine.Asset;
import dev.cairn.geo.gpkg.ChunkSpec;
import dev.cairn.geo.gpkg.FidRangePlanner;
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

    /** Extensions searched for in directory inputs (a file named explicitly is taken whatever its name). */
    static boolean isCandidate(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gpkg");
    }

    public static List<Asset> plan(ConvertOptions options) throws PlanningException {
        List<Asset> assets = new ArrayList<>();
        Map<String, Path> byOutput = new HashMap<>();
        String ext = "." + options.format();
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
                String rel = replaceExtension(f[1].toString().replace('\\', '/'), ext);
                Path previous = byOutput.putIfAbsent(rel, file);
                if (previous != null) {
                    throw new PlanningException("Inputs " + previous + " and " + file + " would both be written to "
                            + options.outDir().resolve(rel) + ". Rename one, or convert them into separate output directories.");
                }
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (IOException e) {
                    throw new PlanningException("Cannot read " + file + ": " + e.getMessage());
                }
                String output = options.outDir().resolve(rel).toString();
                long size = attrs.size();
                long mtime = attrs.lastModifiedTime().toMillis();
                List<FidRangePlanner.LayerRanges> ranges = FidRangePlanner.plan(file, options.chunkFeatures());
                if (ranges.isEmpty()) {
                    assets.add(new Asset(rel, file.toString(), null, output, size, mtime));
                } else {
                    for (ChunkSpec chunk : chunks(ranges, planKey(options, rel, size, mtime, ranges))) {
                        assets.add(new Asset(chunkId(rel, chunk), file.toString(), chunk.toPart(), output, size, mtime));
                    }
                }
            }
        }
        if (assets.isEmpty()) {
            throw new PlanningException("No GeoPackage (.gpkg) found in " + String.join(", ",
                    options.inputs().stream().map(Path::toString).toList()) + ".");
        }
        return assets;
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
