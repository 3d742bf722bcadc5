package dev.cairn.engine;

import java.util.Locale;

/**
 * Why an asset failed. Exit codes are derived from it (see {@link RunReport#exitCode()}):
 * a run whose failures are all {@link #CRS} exits 10, all {@link #FORMAT} exits 11.
 */
public enum ErrorClass {
    /** Unknown, missing or untransformable coordinate reference system. */
    CRS,
    /** Unsupported, unreadable or corrupt input. */
    FORMAT,
    /** A geometry rejected by the geometry policy. */
    GEOMETRY,
    /** Input/output error (disk, network, lock); transient ones are retried first. */
    IO,
    /** A bug or an unexpected condition in cairn or in a user's processor. */
    INTERNAL;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ErrorClass fromKey(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
