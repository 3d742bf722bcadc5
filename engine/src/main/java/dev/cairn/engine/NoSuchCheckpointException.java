package dev.cairn.engine;

/**
 * A store opened for reading holds nothing to read: there is no checkpoint at its URL (a missing
 * file), or it does not hold the job asked for. Nothing was created. Never transient: the path or
 * job id is wrong, or the job has not run yet.
 */
public final class NoSuchCheckpointException extends StoreException {
    private static final long serialVersionUID = 1L;

    public NoSuchCheckpointException(String message) {
        super(message, null, false);
    }
}
