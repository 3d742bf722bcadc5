package dev.cairn.engine;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A store handle's local queue of one worker's claims fetched in advance: claims already
 * committed as {@code running} for the worker in the store (leased, heartbeaten with its others,
 * recovered with them when the worker dies), handed out one by one by {@link CheckpointStore#claim}.
 *
 * <p><b>How many to fetch.</b> The batch starts at 1 and doubles, up to {@link #MAX_BATCH}, each
 * time the previous batch was used up in full within {@link #GROWTH_WINDOW_NANOS}; it falls back
 * to 1 when a batch came back short or was used up slowly. So a worker that claims one asset takes
 * one (two workers claiming once each get one asset each, as the contract wants); a worker racing
 * through small assets makes one transaction per up to 64 claims; and a worker on slow assets
 * never hoards work that another process could be doing: it holds at most a few claims it has not
 * started, and only while they take less than {@link #GROWTH_WINDOW_NANOS} each batch.
 *
 * <p>What a crash costs: the claims in the queue are not work done, so nothing is redone; they come
 * back as a dead worker's claims do (at once for a dead process on the same host, at lease expiry
 * elsewhere). Not thread-safe: the store serializes its calls.
 */
public final class ClaimQueue {

    /** The largest batch. */
    public static final int MAX_BATCH = 64;

    /** A batch used up within this time lets the next one double. */
    public static final long GROWTH_WINDOW_NANOS = 1_000_000_000L;

    private final ArrayDeque<Claim> claims = new ArrayDeque<>();
    private int batch = 1;
    private long filledAt;
    private boolean lastFull;

    /** How many claims to fetch now that the queue is empty. */
    public int nextBatch() {
        if (lastFull && System.nanoTime() - filledAt < GROWTH_WINDOW_NANOS) {
            batch = Math.min(batch * 2, MAX_BATCH);
        } else {
            batch = 1;
        }
        return batch;
    }

    /** Queues a fetched batch of {@code asked} claims (fewer when fewer were claimable). */
    public void fill(Collection<Claim> fetched, int asked) {
        claims.addAll(fetched);
        lastFull = fetched.size() == asked;
        filledAt = System.nanoTime();
    }

    /** The next claim to hand out, removed from the queue. */
    public Optional<Claim> poll() {
        return Optional.ofNullable(claims.poll());
    }

    public boolean isEmpty() {
        return claims.isEmpty();
    }

    /** Every claim not handed out, removed from the queue (to release them). */
    public List<Claim> drain() {
        List<Claim> all = List.copyOf(claims);
        claims.clear();
        return all;
    }

    /** The claims not handed out, in order, left in the queue. */
    public List<Claim> peekAll() {
        return List.copyOf(claims);
    }

    /** Adds claims found in the store for this worker (a replayed fetch whose first try committed). */
    public void adopt(Collection<Claim> orphans) {
        claims.addAll(orphans);
    }
}
