package dev.cairn.engine;

/**
 * What {@link CheckpointStore#plan} did.
 *
 * @param added     assets that were new
 * @param unchanged assets already known with the same input fingerprint
 * @param changed   known assets whose input or output changed: put back to pending
 */
public record PlanSummary(int added, int unchanged, int changed) {
}
