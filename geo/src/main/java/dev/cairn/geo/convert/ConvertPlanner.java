package dev.cairn.geo.convert;

import dev.cairn.engine.Asset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the inputs of a convert job into assets, one per input GeoPackage.
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
                assets.add(new Asset(rel, file.toString(), null, options.outDir().resolve(rel).toString(),
                        attrs.size(), attrs.lastModifiedTime().toMillis()));
            }
        }
        if (assets.isEmpty()) {
            throw new PlanningException("No GeoPackage (.gpkg) found in " + String.join(", ",
                    options.inputs().stream().map(Path::toString).toList()) + ".");
        }
        return assets;
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
