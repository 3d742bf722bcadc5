package dev.cairn.engine;

import java.time.Instant;

/**
 * An asset held by one worker until {@code leaseUntil}. The {@code attempt} number is the fencing
 * token: the store accepts a state change only from the claim with the current attempt.
 */
public record Claim(Asset asset, String workerId, int attempt, Instant leaseUntil) {
}
