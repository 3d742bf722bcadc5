package dev.cairn.geo.pipeline;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.FeatureIssue;
import dev.cairn.engine.Outcome;

/**
 * The features of one asset that a policy skipped, repaired or kept invalid: exact counts, and the first
 * {@link Outcome#MAX_ISSUES} records (file, layer, fid, reason) for the checkpoint. Filled by the
 * one thread that writes the asset's output; not thread-safe.
 */
public final class FeatureIssues {
    private final List<FeatureIssue> issues = new ArrayList<>();
    private long skipped;
    private long repaired;
    private long kept;

    public void skipped(String message) {
        skipped++;
        add(FeatureIssue.Action.SKIPPED, message);
    }

    public void repaired(String message) {
        repaired++;
        add(FeatureIssue.Action.REPAIRED, message);
    }

    /** An invalid feature written as read under {@code --on-invalid warn}. */
    public void kept(String message) {
        kept++;
        add(FeatureIssue.Action.KEPT, message);
    }

    private void add(FeatureIssue.Action action, String message) {
        if (issues.size() < Outcome.MAX_ISSUES) {
            issues.add(new FeatureIssue(action, ErrorClass.GEOMETRY, message));
        }
    }

    public long skippedCount() {
        return skipped;
    }

    public long repairedCount() {
        return repaired;
    }

    public long keptCount() {
        return kept;
    }

    public List<FeatureIssue> list() {
        return List.copyOf(issues);
    }
}
