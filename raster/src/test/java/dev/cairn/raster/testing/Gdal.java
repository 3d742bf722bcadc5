package dev.cairn.raster.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs GDAL's raster tools ({@code gdal_translate}, {@code gdalwarp}, {@code gdalinfo},
 * {@code gdal_create}, the COG validator), the oracle of the raster tests.
 *
 * <p>When the tools are not on {@code PATH} the tests are skipped, unless
 * {@code CAIRN_REQUIRE_GDAL=1} says that this machine (CI) must have them: then a missing tool is
 * a failure, so that an interoperability suite cannot silently turn into a no-op. Every command
 * runs with {@code PROJ_NETWORK=OFF} and {@code GDAL_NUM_THREADS=1}.
 */
public final class Gdal {
    /** GDAL's COG validator (Debian package python3-gdal). */
    public static final Path COG_VALIDATOR =
            Path.of("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py");
    private static final List<String> TOOLS = List.of("gdal_translate", "gdalwarp", "gdalinfo");
    private static final long TIMEOUT_SECONDS = 300;

    private Gdal() {
    }

    /** Skips the calling test when a tool is missing, or fails under CAIRN_REQUIRE_GDAL=1. */
    public static void assumeInstalled() {
        List<String> missing = TOOLS.stream().filter(t -> !onPath(t)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String msg = "GDAL tools not on PATH: " + missing + " (install the Debian packages gdal-bin python3-gdal)";
        if ("1".equals(System.getenv("CAIRN_REQUIRE_GDAL"))) {
            throw new AssertionError(msg + "; CAIRN_REQUIRE_GDAL=1 makes this a failure");
        }
        Assumptions.abort(msg + "; set CAIRN_REQUIRE_GDAL=1 to make this a failure");
    }

    private static boolean onPath(String exe) {
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

    /** Runs a command to completion; returns stdout and stderr interleaved; fails on a non-zero exit. */
    public static String run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("PROJ_NETWORK", "OFF");
        pb.environment().put("GDAL_NUM_THREADS", "1");
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n" + out);
        }
        return out;
    }
}
