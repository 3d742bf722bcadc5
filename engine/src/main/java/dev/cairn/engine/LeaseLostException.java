package dev.cairn.engine;

/**
 * A worker tried to change the state of an asset it no longer holds: its lease expired and
 * another claim (a higher attempt number) took the asset over. The late change is rejected.
 */
public final class LeaseLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LeaseLostException(String assetId, String workerId, int attempt) {
        super("Asset " + assetId + " is no longer held by worker " + workerId + " (attempt " + attempt
                + "): its lease expired and another claim took it over; this result is discarded.");
    }
}
