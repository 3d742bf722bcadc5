package dev.cairn.engine;

import java.util.List;

/**
 * What processing one asset produced, stored with its {@code done} state.
 *
 * @param features number of features (or items) written
 * @param skipped  number of features skipped by policy (recorded, not an error)
 * @param checksum checksum of the output as written, or {@code null}
 * @param issues   the features skipped or repaired by policy, one record each, at most
 *                 {@link #MAX_ISSUES} (the counts stay exact beyond that)
 */
public record Outcome(long features, long skipped, String checksum, List<FeatureIssue> issues) {
    /** Feature issues kept per asset: enough to find and fix the data, bounded for the store. */
    public static final int MAX_ISSUES = 1_000;

    public Outcome {
        issues = issues == null ? List.of() : List.copyOf(issues);
        if (issues.size() > MAX_ISSUES) {
            issues = issues.subList(0, MAX_ISSUES);
        }
    }

    /** An outcome without feature issues. */
    public Outcome(long features, long skipped, String checksum) {
        this(features, skipped, checksum, List.of());
    }
}
