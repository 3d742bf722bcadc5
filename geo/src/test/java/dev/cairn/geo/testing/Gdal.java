package dev.cairn.geo.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs GDAL/PROJ command-line tools as test oracles. Tests that need them are skipped when
 * {@code ogrinfo} is not on the PATH, unless {@code CAIRN_REQUIRE_GDAL=1}, in which case they fail.
 */
public final class Gdal {
    private static Boolean available;

    private Gdal() {
    }

    public static synchronized void require() {
        if (available == null) {
            try {
                available = run(Map.of(), "ogrinfo", "--version").contains("GDAL");
            } catch (IOException | RuntimeException e) {
                available = false;
            }
        }
        if (!available && "1".equals(System.getenv("CAIRN_REQUIRE_GDAL"))) {
            throw new AssertionError("CAIRN_REQUIRE_GDAL=1 but ogrinfo is not on the PATH");
        }
        assumeTrue(available, "GDAL (ogrinfo) not installed");
    }

    /** Runs a command with the inherited environment, returns stdout+stderr; fails on a non-zero exit. */
    public static String run(String... command) throws IOException {
        return run(Map.of(), command);
    }

    /** Runs a command, returns stdout+stderr; fails on a non-zero exit. */
    public static String run(Map<String, String> env, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
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

    /** Runs a command feeding {@code stdin}; returns stdout. */
    public static String pipe(Map<String, String> env, String stdin, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(command));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }
}
