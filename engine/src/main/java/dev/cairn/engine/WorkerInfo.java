package dev.cairn.engine;

import java.time.Instant;

/**
 * A worker process as registered in the store. {@code host}, {@code pid} and
 * {@code processStart} let a run on the same host prove that the worker is dead (pid gone, or
 * reused by a process started at another time) and take its claims back at once, instead of
 * waiting for the leases to expire.
 */
public record WorkerInfo(String id, String host, long pid, Instant processStart, Instant registeredAt) {
}
