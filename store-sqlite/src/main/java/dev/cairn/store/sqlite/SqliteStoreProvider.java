package dev.cairn.store.sqlite;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.CheckpointStoreProvider;

import java.nio.file.Path;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * The SQLite checkpoint store as a plug-in: accepts {@code sqlite:PATH} and a bare file path
 * (anything without a URI scheme of two letters or more, so {@code C:\out\checkpoint.db} is a
 * path), and opens a {@link SqliteStore} on the file with the UTC system clock. Registered in
 * {@code META-INF/services/dev.cairn.engine.CheckpointStoreProvider}.
 *
 * <p>A relative path is resolved against the working directory. A path that itself starts with
 * something like a scheme ({@code data:2024.db}) must be written {@code sqlite:data:2024.db}.
 */
public final class SqliteStoreProvider implements CheckpointStoreProvider {

    static final String PREFIX = "sqlite:";

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*", Pattern.DOTALL);

    @Override
    public String scheme() {
        return "sqlite";
    }

    @Override
    public boolean accepts(String url) {
        return url.startsWith(PREFIX) ? url.length() > PREFIX.length() : !url.isBlank() && !SCHEME.matcher(url).matches();
    }

    @Override
    public CheckpointStore open(String url, String jobId, boolean readOnly) {
        if (!accepts(url)) {
            throw new IllegalArgumentException("Not a SQLite checkpoint URL: " + url
                    + " (expected sqlite:PATH or a file path)");
        }
        Path file = path(url);
        return readOnly ? SqliteStore.openReadOnly(file, jobId) : SqliteStore.open(file, jobId, Clock.systemUTC());
    }

    /** The checkpoint file a URL this provider accepts names, absolute. */
    static Path path(String url) {
        String path = url.startsWith(PREFIX) ? url.substring(PREFIX.length()) : url;
        return Path.of(path).toAbsolutePath();
    }
}
