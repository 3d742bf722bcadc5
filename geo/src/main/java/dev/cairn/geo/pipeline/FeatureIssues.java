package dev.cairn.geo.pipeline;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.FeatureIssue;
import dev.cairn.engine.Outcome;
import dev.cairn.geo.crs.CrsResolver;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The features of one asset that a policy skipped, repaired or kept invalid, and its layers
 * converted with a ballpark datum operation: exact counts, and the first
 * {@link Outcome#MAX_ISSUES} records (file, layer, fid, reason) for the checkpoint. Filled by the
 * one thread that writes the asset's output; not thread-safe.
 */
public final class FeatureIssues {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureIssues.class);
    private final List<FeatureIssue> issues = new ArrayList<>();
    private long skipped;
    private long repaired;
    private long kept;
    private long approximated;

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

    /**
     * Records, and warns once, that {@code layer} of {@code input} is converted with a ballpark
     * operation ({@code --allow-ballpark}); nothing when {@code op} is not one.
     */
    public void ballpark(Path input, String layer, CrsResolver.Operation op) {
        if (op == null || op.ballpark() == null) {
            return;
        }
        String message = input + ": layer '" + layer + "': " + op.ballpark();
        LOG.warn(message);
        approximated++;
        if (issues.size() < Outcome.MAX_ISSUES) {
            issues.add(new FeatureIssue(FeatureIssue.Action.APPROXIMATED, ErrorClass.CRS, message));
        }
    }

    private void add(FeatureIssue.Action action, String message) {
        if (issues.size() < Outcome.MAX_ISSUES) {
            issues.add(new FeatureIssue(action, ErrorClass.GEOMETRY, message));
        }
    }

    /** Layers converted with a ballpark operation. */
    public long approximatedCount() {
        return approximated;
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
