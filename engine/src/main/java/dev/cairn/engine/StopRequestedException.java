package dev.cairn.engine;

/**
 * Thrown from {@link ProcessContext#checkStop()} when a graceful stop was requested. The runner
 * releases the asset back to {@code pending}; it is neither a failure nor an attempt used up.
 */
public final class StopRequestedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StopRequestedException() {
        super("stop requested", null, false, false);
    }
}
