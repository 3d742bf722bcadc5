package dev.cairn.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Opens a checkpoint store by URL with the plug-in that accepts it: the first
 * {@link CheckpointStoreProvider} registered with {@link java.util.ServiceLoader} (on the class
 * loader of the engine) whose {@link CheckpointStoreProvider#accepts accepts} says yes. With the
 * SQLite store on the class path, {@code sqlite:PATH} and a bare file path open a SQLite
 * checkpoint; a URL no provider accepts fails with {@link UnknownStoreException} before any I/O.
 */
public final class CheckpointStores {

    private CheckpointStores() {
    }

    /**
     * Opens a handle on the store at {@code url}, see {@link CheckpointStoreProvider#open}.
     *
     * @param jobId    the job to bind to, or {@code null} for the store's most recent one
     * @throws UnknownStoreException     if no store plug-in of this build accepts {@code url}
     * @throws NoSuchCheckpointException if {@code readOnly} and there is nothing to read there
     */
    public static CheckpointStore open(String url, String jobId, boolean readOnly) {
        return providerFor(url, providers()).open(url, jobId, readOnly);
    }

    /** The schemes of the store plug-ins of this build, in registration order, e.g. {@code [sqlite]}. */
    public static List<String> schemes() {
        return providers().stream().map(CheckpointStoreProvider::scheme).toList();
    }

    /** The first of {@code providers} that accepts {@code url}. */
    static CheckpointStoreProvider providerFor(String url, List<CheckpointStoreProvider> providers) {
        Objects.requireNonNull(url, "url");
        for (CheckpointStoreProvider provider : providers) {
            if (provider.accepts(url)) {
                return provider;
            }
        }
        throw new UnknownStoreException(url, providers.stream().map(CheckpointStoreProvider::scheme).toList());
    }

    private static List<CheckpointStoreProvider> providers() {
        List<CheckpointStoreProvider> found = new ArrayList<>();
        ServiceLoader.load(CheckpointStoreProvider.class, CheckpointStores.class.getClassLoader())
                .forEach(found::add);
        return found;
    }
}
