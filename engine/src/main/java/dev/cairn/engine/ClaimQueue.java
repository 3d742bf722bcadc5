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
 * <p><b>How many to fetch.</b> One claim at a time, unless the worker is racing through tiny
 * assets: once the last {@value #FAST_CLAIMS} claims were all handed out within
 * {@link #FAST_WINDOW_NANOS} (12.5 ms an asset or less, what a no-op or near-no-op processor
 * does), the batch doubles at each fetch whose batch came back full, up to {@link #MAX_BATCH}; it
 * falls back to 1 as soon as the pace drops or a batch came back short. So two workers claiming
 * once each get one asset each (as the contract wants), a worker racing through small assets
 * makes one transaction per up to 64 claims, and a worker on real assets (a file, a window of
 * blocks, a metatile: tens of milliseconds and more) never holds a claim it has not started: the
 * crash tests count every claim of an asset after its first as rework, and another process could
 * be doing that work.
 *
 * <p>What a crash costs: the claims in the queue are not work done, so nothing is redone; they come
 * back as a dead worker's claims do (at once for a dead process on the same host, at lease expiry
 * elsewhere). Not thread-safe: the store serializes its calls.
 */
public final class ClaimQueue {

    /** The largest batch. */
    public static final int MAX_BATCH = 64;

    /** How many recent hand-outs decide whether the worker is fast. */
    public static final int FAST_CLAIMS = 8;

    /** The last {@link #FAST_CLAIMS} hand-outs within this time make a fast worker. */
    public static final long FAST_WINDOW_NANOS = 100_000_000L;

    private final ArrayDeque<Claim> claims = new ArrayDeque<>();
    /** When the last {@link #FAST_CLAIMS} claims were handed out (a ring, {@code next} its oldest). */
    private final long[] handedOutAt = new long[FAST_CLAIMS];
    private int next;
    private long handedOut;
    private int batch = 1;
    private boolean lastFull;

    /** How many claims to fetch now that the queue is empty. */
    public int nextBatch() {
        boolean fast = handedOut >= FAST_CLAIMS && System.nanoTime() - handedOutAt[next] < FAST_WINDOW_NANOS;
        batch = fast && lastFull ? Math.min(batch * 2, MAX_BATCH) : 1;
        return batch;
    }

    /** Queues a fetched batch of {@code asked} claims (fewer when fewer were claimable). */
    public void fill(Collection<Claim> fetched, int asked) {
        claims.addAll(fetched);
        lastFull = fetched.size() == asked;
    }

    /** The next claim to hand out, removed from the queue. */
    public Optional<Claim> poll() {
        Claim claim = claims.poll();
        if (claim != null) {
            handedOutAt[next] = System.nanoTime();
            next = (next + 1) % FAST_CLAIMS;
            handedOut++;
        }
        return Optional.ofNullable(claim);
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
