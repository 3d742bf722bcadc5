package dev.cairn.engine;

import java.time.Instant;

/**
 * One row of the append-only event log: who did what to which asset, when, under which job
 * fingerprint. {@code kind} is one of {@code planned, replanned, claimed, done, failed, released,
 * recovered, reset}.
 */
public record Event(long seq, Instant at, String assetId, String kind, String worker, int attempt,
                    String detail, String fingerprint) {
}
