package dev.cairn.cli.gdal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs GDAL's and PROJ's command-line tools ({@code ogr2ogr}, {@code ogrinfo}, {@code cs2cs}),
 * the oracle of the interoperability tests.
 *
 * <p>When the tools are not on {@code PATH} the tests are skipped, unless the environment variable
 * {@code CAIRN_REQUIRE_GDAL=1} says that this machine (CI) must have them: then a missing tool is a
 * failure, so that an interoperability suite cannot silently turn into a no-op.
 *
 * <p>Every command runs with {@code PROJ_NETWORK=OFF}: PROJ must never download a grid in the middle
 * of a test and so change the transformation the oracle uses.
 */
final class GdalCommand {
    static final List<String> TOOLS = List.of("ogr2ogr", "ogrinfo", "cs2cs");
    private static final long TIMEOUT_SECONDS = 60;

    private GdalCommand() {
    }

    /** Skips the calling test class when a tool is missing, or fails under CAIRN_REQUIRE_GDAL=1. */
    static void assumeInstalled() {
        List<String> missing = TOOLS.stream().filter(t -> !onPath(t)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String msg = "GDAL/PROJ tools not on PATH: " + missing
                + " (install the Debian packages gdal-bin proj-bin)";
        if ("1".equals(System.getenv("CAIRN_REQUIRE_GDAL"))) {
            throw new AssertionError(msg + "; CAIRN_REQUIRE_GDAL=1 makes this a failure");
        }
        Assumptions.abort(msg + "; set CAIRN_REQUIRE_GDAL=1 to make this a failure");
    }

    /** Skips the calling test class when {@code tool} (e.g. gdal2tiles.py) is missing, or fails under CAIRN_REQUIRE_GDAL=1. */
    static void assumeTool(String tool) {
        if (onPath(tool)) {
            return;
        }
        String msg = tool + " not on PATH (install the Debian package python3-gdal)";
        if ("1".equals(System.getenv("CAIRN_REQUIRE_GDAL"))) {
            throw new AssertionError(msg + "; CAIRN_REQUIRE_GDAL=1 makes this a failure");
        }
        Assumptions.abort(msg + "; set CAIRN_REQUIRE_GDAL=1 to make this a failure");
    }

    static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command to completion and returns stdout and stderr interleaved; fails on a non-zero exit. */
    static String run(String... command) throws IOException, InterruptedException {
        return runWithInput(null, command);
    }

    /** As {@link #run(String...)}, with {@code stdin} (if not null) fed to the process. */
    static String runWithInput(String stdin, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PROJ_NETWORK", "OFF");
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        // Read before waiting: a full pipe would block the child.
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    /** {@code ogr2ogr -f GPKG ARGS... DST SRC}, overwriting DST. */
    static void ogr2ogr(Path dst, Path src, String... args) throws IOException, InterruptedException {
        Files.createDirectories(dst.toAbsolutePath().getParent());
        List<String> cmd = new ArrayList<>(List.of("ogr2ogr", "-f", "GPKG"));
        cmd.addAll(List.of(args));
        cmd.add(dst.toString());
        cmd.add(src.toString());
        run(cmd.toArray(String[]::new));
    }

    /**
     * Transforms one point with {@code cs2cs}; {@code xy} is in the authority's axis order of
     * {@code from} (EPSG:4326: latitude first), the result in that of {@code to}.
     */
    static double[] cs2cs(String from, String to, double a, double b) throws IOException, InterruptedException {
        String out = runWithInput(a + " " + b + "\n", "cs2cs", "-f", "%.10f", from, to).strip();
        String[] t = out.split("\\s+");
        return new double[] {Double.parseDouble(t[0]), Double.parseDouble(t[1])};
    }
}
