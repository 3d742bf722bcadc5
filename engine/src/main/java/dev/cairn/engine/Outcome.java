package dev.cairn.engine;

import java.util.List;

/**
 * What processing one asset produced, stored with its {@code done} state.
 *
 * @param items    number of items written, in the job's unit ({@link JobType#unit()}: features,
 *                 tiles, pixels)
 * @param skipped  number of items skipped by policy (recorded, not an error)
 * @param checksum checksum of the output as written, or {@code null}
 * @param issues   the features skipped or repaired by policy, one record each, at most
 *                 {@link #MAX_ISSUES} (the counts stay exact beyond that)
 */
public record Outcome(long items, long skipped, String checksum, List<FeatureIssue> issues) {
    /** Feature issues kept per asset: enough to find and fix the data, bounded for the store. */
    public static final int MAX_ISSUES = 1_000;

    public Outcome {
        issues = issues == null ? List.of() : List.copyOf(issues);
        if (issues.size() > MAX_ISSUES) {
            issues = issues.subList(0, MAX_ISSUES);
        }
    }

    /** An outcome without feature issues. */
    public Outcome(long items, long skipped, String checksum) {
        this(items, skipped, checksum, List.of());
    }
}
