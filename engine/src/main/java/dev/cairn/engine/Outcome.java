package dev.cairn.engine;

/**
 * What processing one asset produced, stored with its {@code done} state.
 *
 * @param features number of features (or items) written
 * @param skipped  number of features skipped by policy (recorded, not an error)
 * @param checksum checksum of the output as written, or {@code null}
 */
public record Outcome(long features, long skipped, String checksum) {
}
