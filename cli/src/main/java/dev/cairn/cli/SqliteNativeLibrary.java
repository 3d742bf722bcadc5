package dev.cairn.cli;

import dev.cairn.engine.UserCache;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

/**
 * SQLite's native library loaded from cairn's cache directory ({@link UserCache}), not from a copy
 * made in {@code /tmp} by every process.
 *
 * <p>Why: sqlite-jdbc copies its native library (about 1 MiB) into {@code java.io.tmpdir} under a
 * new random name in every process, with a {@code .lck} file beside it, and deletes both at a
 * normal exit only. A process killed with -9 — which cairn is built to survive, and which a crash
 * loop or a test of it does again and again — leaves both, and sqlite-jdbc's own clean-up skips a
 * library whose {@code .lck} is still there: {@code /tmp} grew by a MiB per kill. Here the library
 * is copied once per sqlite-jdbc version and platform into
 * {@code <cache>/native/sqlite-jdbc-VERSION/OS/ARCH/}, written under a temporary name and renamed
 * (two processes starting together each write a whole file and one rename wins; a process that
 * already loaded the library keeps its mapping), and sqlite-jdbc is pointed at it with its own
 * documented properties {@code org.sqlite.lib.path} and {@code org.sqlite.lib.name}.
 *
 * <p>Must run before the first SQLite connection of the process. Never fails: with no cache
 * directory, no library for this platform in the jar, a cache that cannot be written, or the
 * properties already set by the user, sqlite-jdbc loads its library as it would without this.
 */
final class SqliteNativeLibrary {

    private SqliteNativeLibrary() {
    }

    static void install() {
        if (System.getProperty("org.sqlite.lib.path") != null || System.getProperty("org.sqlite.lib.name") != null) {
            return;
        }
        try {
            Path cache = UserCache.directory();
            String folder = OSInfo.getNativeLibFolderPathForCurrentOS();
            String name = System.mapLibraryName("sqlitejdbc");
            URL resource = SQLiteJDBCLoader.class.getResource("/org/sqlite/native/" + folder + "/" + name);
            if (cache == null || resource == null) {
                return;
            }
            Path dir = cache.resolve("native").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion()).resolve(folder);
            Path library = dir.resolve(name);
            long size = resource.openConnection().getContentLengthLong();
            if (!Files.isRegularFile(library) || size < 0 || Files.size(library) != size) {
                copy(resource, dir, library);
            }
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", name);
        } catch (IOException | RuntimeException | LinkageError e) {
            // sqlite-jdbc extracts its library into java.io.tmpdir as usual
        }
    }

    private static void copy(URL resource, Path dir, Path library) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, library.getFileName().toString(), ".tmp");
        try {
            try (InputStream in = resource.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                Files.move(tmp, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, library, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
