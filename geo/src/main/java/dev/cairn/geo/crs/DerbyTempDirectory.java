package dev.cairn.geo.crs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Derby's temporary directory, owned by this process (see {@link #own}); used by
 * {@link EpsgAnswers} just before the embedded EPSG database is opened.
 */
final class DerbyTempDirectory {

    private DerbyTempDirectory() {
    }

    /**
     * Gives Derby a temporary directory of this process's own, deleted when the process exits.
     *
     * <p>Why: booting the read-only database from the jar, Derby makes a {@code derbytmp_*}
     * directory in {@code java.io.tmpdir} and removes it only when the database is shut down, which
     * SIS never does: every process that opened the database left an empty directory in
     * {@code /tmp} (hundreds a day for a shell loop calling cairn per file on a cold cache). Derby
     * puts that directory under {@code derby.storage.tempDirectory} when it is set before the
     * boot, so it is set here, unless the user set it, to a directory a shutdown hook deletes.
     * A process killed with -9 cannot delete its own: its name holds its process id
     * ({@code cairn-derby-PID-*}), and the next process that boots Derby deletes those of
     * processes no longer alive (a live one's, even under a reused id, is never touched).
     */
    static synchronized void own() {
        if (System.getProperty("derby.storage.tempDirectory") != null) {
            return;
        }
        try {
            String prefix = "cairn-derby-";
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            try (Stream<Path> old = Files.list(tmp)) {
                old.filter(p -> ofADeadProcess(p.getFileName().toString(), prefix)).forEach(DerbyTempDirectory::deleteQuietly);
            }
            Path dir = Files.createTempDirectory(tmp, prefix + ProcessHandle.current().pid() + "-");
            System.setProperty("derby.storage.tempDirectory", dir.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "cairn-derby-temp"));
        } catch (IOException | RuntimeException e) {
            // Derby uses java.io.tmpdir as before
        }
    }

    /** Whether {@code name} is {@code prefix + PID + "-…"} and no process {@code PID} is alive. */
    static boolean ofADeadProcess(String name, String prefix) {
        if (!name.startsWith(prefix)) {
            return false;
        }
        int end = name.indexOf('-', prefix.length());
        try {
            long pid = Long.parseLong(name.substring(prefix.length(), end < 0 ? name.length() : end));
            return end > 0 && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> tree = Files.walk(dir)) {
            tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temporary directory left behind is all that is lost
        }
    }
}
