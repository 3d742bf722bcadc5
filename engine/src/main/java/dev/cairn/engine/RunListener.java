package dev.cairn.engine;

/**
 * Observes a run, for logging and progress. Called from worker threads: implementations must be
 * thread-safe and fast. Every method has a no-op default.
 */
public interface RunListener {
    default void started(Claim claim) {
    }

    default void done(Claim claim, Outcome outcome, long millis) {
    }

    default void failed(Claim claim, ErrorClass errorClass, String message, boolean transientFailure, int tries) {
    }

    default void retrying(Claim claim, Throwable cause, int tryNumber) {
    }

    default void released(Claim claim) {
    }

    default void progress(long items) {
    }
}
