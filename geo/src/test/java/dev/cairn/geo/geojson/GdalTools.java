package dev.cairn.geo.geojson;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs GDAL's command-line tools as test oracles. Tests that need them are skipped when
 * {@code ogrinfo} is not on the PATH, unless {@code CAIRN_REQUIRE_GDAL=1}: then they fail.
 */
final class GdalTools {
    private static Boolean available;

    private GdalTools() {
    }

    static synchronized void require() {
        if (available == null) {
            try {
                available = run("ogrinfo", "--version").contains("GDAL");
            } catch (IOException | RuntimeException e) {
                available = false;
            }
        }
        if (!available && "1".equals(System.getenv("CAIRN_REQUIRE_GDAL"))) {
            throw new AssertionError("CAIRN_REQUIRE_GDAL=1 but ogrinfo is not on the PATH");
        }
        assumeTrue(available, "GDAL (ogrinfo) not installed");
    }

    /** Runs a command, returns stdout and stderr; fails on a non-zero exit. */
    static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }
}
