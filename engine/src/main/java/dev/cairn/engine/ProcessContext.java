package dev.cairn.engine;

/** What a processor may ask of the runner while it works on one asset. Not shared between threads. */
public interface ProcessContext {

    /** The id of the worker running this asset (also written to the store). */
    String workerId();

    /** The claim's attempt number: 1 for the first claim, incremented by each later claim. */
    int attempt();

    /** True once a graceful stop was requested: the processor should roll back and return. */
    boolean stopRequested();

    /** Throws {@link StopRequestedException} if a graceful stop was requested. */
    default void checkStop() {
        if (stopRequested()) {
            throw new StopRequestedException();
        }
    }

    /**
     * Takes the exclusive lock of a chunked output's staging file among every worker of the job,
     * on every machine ({@link CheckpointStore#lockStaging}); hold it from before opening the
     * staging file to after closing it. The default, for contexts without a store, locks nothing.
     */
    default StagingLock lockStaging(String key) {
        return StagingLock.NONE;
    }

    /** Reports progress (items written since the last call, in the job's unit), for rate and ETA. */
    void progress(long items);
}
