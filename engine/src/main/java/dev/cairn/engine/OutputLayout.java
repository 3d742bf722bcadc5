package dev.cairn.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The files a job produces: under {@code root}, each asset's output (whose name ends with one of
 * {@code extensions}) and, beside it, files of the same stem with {@code sidecarExtensions} (a
 * Shapefile's {@code .shx}, {@code .dbf}, {@code .prj}, {@code .cpg}). {@code cairn verify} reports a
 * file of the job's kind that no asset produces as an extra; anything else under the root is
 * not the job's business.
 *
 * @param root              the output directory
 * @param extensions        what an output's name ends with, lower case with the dot, e.g.
 *                          {@code [.geojsons, .geojsonl, .geojsonseq]}
 * @param sidecarExtensions extensions of the files that go with an output of the same stem
 */
public record OutputLayout(Path root, List<String> extensions, List<String> sidecarExtensions) {
    public OutputLayout {
        Objects.requireNonNull(root, "root");
        extensions = List.copyOf(extensions);
        sidecarExtensions = List.copyOf(sidecarExtensions);
    }

    /** True when {@code file}'s name ends with one of the output extensions (case-insensitive). */
    public boolean isOutputName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return extensions.stream().anyMatch(name::endsWith);
    }

    /** True when {@code file}'s name ends with one of the sidecar extensions (case-insensitive). */
    public boolean isSidecarName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return sidecarExtensions.stream().anyMatch(name::endsWith);
    }

    /** The sidecars {@code output} may have (whether they exist or not): same stem, each sidecar extension. */
    public List<Path> sidecarsOf(Path output) {
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        List<Path> files = new ArrayList<>(sidecarExtensions.size());
        for (String ext : sidecarExtensions) {
            files.add(output.resolveSibling(stem + ext));
        }
        return files;
    }
}
