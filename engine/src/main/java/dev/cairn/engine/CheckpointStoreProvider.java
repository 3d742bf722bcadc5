package dev.cairn.engine;

/**
 * A kind of checkpoint store, as a plug-in: found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.cairn.engine.CheckpointStoreProvider} in the store's jar, and
 * chosen by {@link CheckpointStores#open} from the store URL. An implementation has a public
 * no-argument constructor and is thread-safe (it is usually stateless).
 *
 * <p>A store module implements this next to its {@link CheckpointStore} and runs the engine's
 * contract tests ({@code CheckpointStoreContract} and its sibling parts in the engine's test-jar)
 * against what {@link #open} returns.
 */
public interface CheckpointStoreProvider {

    /** The URL scheme this store is known by, e.g. {@code sqlite} or {@code postgresql}. */
    String scheme();

    /**
     * Whether {@code url} names a store of this kind. Cheap and without I/O: it looks at the
     * text only (its scheme, or for the default store a bare path), never at what it points to.
     */
    boolean accepts(String url);

    /**
     * Opens a handle on the store at {@code url} (one this provider {@link #accepts}), bound as
     * described in {@link CheckpointStore}.
     *
     * @param jobId    the job to bind to; {@code null} for the store's most recent job (or none
     *                 when it holds no job)
     * @param readOnly open for reading only: nothing is created, every state change throws
     *                 {@link StoreException}, and reading is safe while another process writes
     * @throws NoSuchCheckpointException if {@code readOnly} and there is no store at {@code url},
     *                                   or it holds no job {@code jobId}
     * @throws StoreException            if the store cannot be opened (not a cairn checkpoint, a
     *                                   newer schema, unreachable)
     */
    CheckpointStore open(String url, String jobId, boolean readOnly);
}
