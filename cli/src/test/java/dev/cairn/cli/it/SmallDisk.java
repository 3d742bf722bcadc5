package dev.cairn.cli.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A small file system of its own for a test: a tmpfs of a few MiB mounted on a directory, so that
 * "No space left on device" comes from the kernel, not from a simulation. Mounting needs root or
 * passwordless sudo; without either the test is skipped with a message saying so, unless
 * {@code CAIRN_REQUIRE_MOUNT=1} (CI), where it fails. {@link #close()} unmounts.
 */
final class SmallDisk implements AutoCloseable {
    private final Path dir;
    private final List<String> sudo;

    private SmallDisk(Path dir, List<String> sudo) {
        this.dir = dir;
        this.sudo = sudo;
    }

    /** Mounts a tmpfs of {@code size} (e.g. "16m") on {@code dir}, created if needed. */
    static SmallDisk mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> sudo = new ArrayList<>();
        if (!"0".equals(output("id", "-u").strip())) {
            if (run(List.of("sudo", "-n", "true")) != 0) {
                skipOrFail("mounting a tmpfs needs root or passwordless sudo, and this user has neither");
            }
            sudo.add("sudo");
            sudo.add("-n");
        }
        List<String> cmd = new ArrayList<>(sudo);
        cmd.addAll(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0777", "tmpfs", dir.toString()));
        if (run(cmd) != 0) {
            skipOrFail("'" + String.join(" ", cmd) + "' failed (a container without CAP_SYS_ADMIN?)");
        }
        return new SmallDisk(dir, sudo);
    }

    Path dir() {
        return dir;
    }

    /** Free bytes on the small file system. */
    long free() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    /** Writes {@code file} (on this file system) until the disk is full; returns the bytes written. */
    long fill(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, (byte) 0x5A);
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
                written += block.length;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return written;
    }

    /** Writes {@code bytes} bytes of ballast to {@code file}. */
    void ballast(Path file, long bytes) throws IOException {
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, (byte) 0x5A);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(sudo);
        cmd.addAll(List.of("umount", dir.toString()));
        if (run(cmd) != 0) {
            List<String> lazy = new ArrayList<>(sudo);
            lazy.addAll(List.of("umount", "-l", dir.toString()));
            run(lazy);
        }
    }

    private static void skipOrFail(String why) {
        if ("1".equals(System.getenv("CAIRN_REQUIRE_MOUNT"))) {
            throw new AssertionError("CAIRN_REQUIRE_MOUNT=1 but " + why);
        }
        Assumptions.abort("Skipped: the full-disk test mounts a small tmpfs; " + why
                + " (set CAIRN_REQUIRE_MOUNT=1 to make this a failure)");
    }

    private static int run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    private static String output(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
