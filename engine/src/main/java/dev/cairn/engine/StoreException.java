package dev.cairn.engine;

/**
 * The checkpoint store could not be read or written. {@code transientFailure} is true for
 * conditions worth retrying (busy database, lost connection).
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;

    public StoreException(String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
