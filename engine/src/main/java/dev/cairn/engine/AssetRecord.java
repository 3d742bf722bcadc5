package dev.cairn.engine;

import java.time.Instant;

/**
 * An asset with its stored state. Fields that do not apply to the state are null or 0.
 *
 * @param attempt   number of claims so far (the fencing token of the latest claim)
 * @param tries     total processing tries over all claims, including in-claim retries
 * @param transientFailure whether the last failure was transient (retries exhausted)
 * @param items     items the done asset wrote, in the job's unit (see {@link Outcome#items()})
 */
public record AssetRecord(
        Asset asset,
        AssetState state,
        String worker,
        Instant leaseUntil,
        int attempt,
        int tries,
        ErrorClass errorClass,
        String message,
        boolean transientFailure,
        long items,
        long skipped,
        String checksum,
        Instant updatedAt) {
}
