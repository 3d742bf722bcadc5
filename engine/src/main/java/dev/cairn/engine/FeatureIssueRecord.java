package dev.cairn.engine;

import java.time.Instant;

/** A stored {@link FeatureIssue} of a {@code done} asset. */
public record FeatureIssueRecord(String assetId, Instant at, FeatureIssue issue) {
}
