package dev.cairn.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The directory whose {@code .cairn/} holds a job's state (checkpoint, published marks): the
 * output directory itself, or, for a job whose output is one file (an MBTiles or PMTiles tile
 * set), a hidden directory named after the file beside it, so that two tile sets in one
 * directory are two jobs and the file itself stays a plain file:
 *
 * <pre>
 *   out/                          out/basemap.mbtiles
 *   out/.cairn/checkpoint.db      out/.cairn/basemap.mbtiles/.cairn/checkpoint.db
 * </pre>
 *
 * Every command that is given OUTDIR ({@code resume out/basemap.mbtiles}, {@code status}, ...)
 * finds the state through this one rule.
 */
public final class JobHome {
    /** Extensions of outputs that are a single file. */
    public static final List<String> SINGLE_FILE_OUTPUTS = List.of(".mbtiles", ".pmtiles");

    private JobHome() {
    }

    /** The home of the job writing {@code output} (absolute, normalised). */
    public static Path of(Path output) {
        Path out = output.toAbsolutePath().normalize();
        return isSingleFile(out) ? out.getParent().resolve(".cairn").resolve(out.getFileName().toString()) : out;
    }

    /** True when {@code output} names a single-file output by its extension. */
    public static boolean isSingleFile(Path output) {
        Path name = output.getFileName();
        if (name == null) {
            return false;
        }
        String n = name.toString().toLowerCase(Locale.ROOT);
        return SINGLE_FILE_OUTPUTS.stream().anyMatch(n::endsWith);
    }
}
