package dev.cairn.engine;

import java.nio.file.Path;

/**
 * Where cairn keeps what speeds up the next process and can be deleted at any time (the EPSG
 * answers, SQLite's native library): the system property {@code cairn.cache.dir} if set, else
 * {@code $XDG_CACHE_HOME/cairn} (an absolute one only, as the XDG base directory specification
 * says), else {@code ~/.cache/cairn}; none when there is no home directory either.
 */
public final class UserCache {

    private UserCache() {
    }

    /** The cache directory by the rule above (not created here), or null. */
    public static Path directory() {
        String explicit = System.getProperty("cairn.cache.dir");
        if (notBlank(explicit)) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (notBlank(xdg) && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "cairn");
        }
        String home = System.getProperty("user.home");
        return notBlank(home) && !"?".equals(home) ? Path.of(home, ".cache", "cairn") : null;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
