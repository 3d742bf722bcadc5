package dev.cairn.engine;

import java.util.Objects;

/** One asset to mark done: the claim it was done under and what it produced ({@link CheckpointStore#completeAll}). */
public record Completion(Claim claim, Outcome outcome) {
    public Completion {
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(outcome, "outcome");
    }
}
