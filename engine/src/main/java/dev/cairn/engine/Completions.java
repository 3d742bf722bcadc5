package dev.cairn.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Runner}'s completions, committed behind its worker threads: a thread whose asset is
 * done hands the completion over ({@link #submit}) and goes on with its next asset, while one
 * committer thread commits whatever has gathered in one {@link CheckpointStore#completeAll}
 * (one transaction, each completion fenced on its own) and then reports each result.
 *
 * <p><b>Why.</b> With the threads waiting for their own commits, two threads on tiny assets
 * alternate (one commits while the other works) and nearly every completion is a transaction of
 * its own. Here a batch holds every completion that came while the previous batch was being
 * committed. With real assets (a file, a window of blocks, a metatile: milliseconds and more
 * each) the committer is idle when a completion comes and commits it at once, alone: one
 * transaction per asset, as before.
 *
 * <p><b>Bounds.</b> At most {@link #MAX_WAITING} completions wait while a batch (of at most as
 * many) is being committed; a thread that would add one more waits until the batch has committed.
 * So at most {@code 2 × MAX_WAITING} assets of the run are done but not yet recorded. And only
 * tiny assets are left behind at all: a thread whose asset took {@link #SLOW_ASSET_NANOS} or more
 * (a file, a window of blocks, a metatile) waits until its completion has committed
 * ({@link #submitAndAwait}) before it claims its next asset, still in a batch with whatever else
 * gathered. So a worker on real assets has exactly its one asset in flight, as when it committed
 * alone, and a kill -9 redoes at most that one per thread; the commit costs it next to nothing
 * beside the asset. Only a worker racing through assets of a few milliseconds leaves completions
 * behind it, and each of those costs as little to redo.
 *
 * <p><b>What a crash costs</b> (kill -9 at any moment), one case at a time:
 * <ol>
 *   <li>A completion waiting or in a batch whose transaction has not committed: its asset is still
 *       {@code running} for this worker in the store (leased like its others), so after the
 *       crash it is claimed again and redone, as any asset in flight is. Its output was
 *       published before the completion was submitted (atomic rename; for staged outputs the
 *       chunk committed in the staging file), and redoing it publishes the same output again or
 *       finds it already published: nothing is lost or doubled, and the rework is bounded by the
 *       count above.</li>
 *   <li>A batch whose transaction committed: its assets are {@code done}; only the reports
 *       (listener, counts of this run) are lost with the process.</li>
 * </ol>
 *
 * <p><b>Ends.</b> {@link #close()} returns once every submitted completion has committed or been
 * reported lost (or its batch failed): the Runner calls it after its worker threads ended and
 * before it stops its leases and lets the store put back the claims not handed out, so a run
 * (and a graceful stop) never returns with a completion pending, and no lease lapses under one.
 *
 * <p><b>Failure.</b> A batch is committed through the function given (the Runner retries
 * transient store errors there). A completion whose lease was lost is reported on its own and
 * changed nothing; a batch that failed as a whole (nothing of it committed) is reported once, with
 * its completions: their assets stay {@code running} until their lease expires or the worker's
 * claims are recovered, exactly as when a thread's own commit failed.
 *
 * @param <T> what the Runner keeps with each completion for its reports
 */
final class Completions<T> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Completions.class);

    /** How many completions may wait while a batch is being committed; also the largest batch. */
    static final int MAX_WAITING = 64;

    /**
     * An asset that took this long or longer waits for its completion to commit (12.5 ms: the
     * pace under which a {@link ClaimQueue} takes a worker for one racing through tiny assets).
     */
    static final long SLOW_ASSET_NANOS = ClaimQueue.FAST_WINDOW_NANOS / ClaimQueue.FAST_CLAIMS;

    /** A completion and what its report needs. */
    record Entry<T>(Completion completion, T report) {
        Entry {
            Objects.requireNonNull(completion, "completion");
        }
    }

    /** Where the results go; called on the committer thread. */
    interface Results<T> {
        /** The completion committed. */
        void done(Entry<T> entry);

        /** The completion's lease was lost: it changed nothing. */
        void lost(Entry<T> entry, RuntimeException lost);

        /** The batch failed as a whole (beyond retries): nothing of it committed. */
        void failed(List<Entry<T>> batch, RuntimeException e);

        /** A batch ended, whatever its results (after its reports). */
        void batchEnded();
    }

    private final Function<List<Completion>, List<RuntimeException>> commit;
    private final Results<T> results;
    private final ArrayDeque<Entry<T>> waiting = new ArrayDeque<>();
    private final Thread committer;
    private boolean closing;
    /** Completions handed over so far, and those committed or reported lost or failed (FIFO: a prefix). */
    private long submitted;
    private long settled;
    private long batches;
    private long committed;

    /**
     * Starts the committer thread.
     *
     * @param commit  commits a batch in one transaction: per completion null or its lost-lease
     *                exception; throws when nothing was committed
     * @param results where each result is reported
     * @param name    the committer thread's name
     */
    Completions(Function<List<Completion>, List<RuntimeException>> commit, Results<T> results, String name) {
        this.commit = Objects.requireNonNull(commit, "commit");
        this.results = Objects.requireNonNull(results, "results");
        this.committer = new Thread(this::commitLoop, name);
        this.committer.setDaemon(true);
        this.committer.start();
    }

    /**
     * Hands a completion to the committer; returns at once unless {@link #MAX_WAITING} are
     * already waiting (then once the batch under way has committed).
     *
     * @throws IllegalStateException after {@link #close()}
     */
    long submit(Entry<T> entry) {
        Objects.requireNonNull(entry, "entry");
        boolean interrupted = false;
        long ticket;
        synchronized (this) {
            while (waiting.size() >= MAX_WAITING && !closing) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the asset is done: its completion must still be handed over
                }
            }
            if (closing) {
                throw new IllegalStateException("Completions are closed: " + entry.completion().claim().asset().id());
            }
            waiting.add(entry);
            ticket = ++submitted;
            notifyAll();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return ticket;
    }

    /**
     * Hands a completion to the committer, as {@link #submit} does, and returns once it has been
     * committed (or reported lost, or its batch failed): what a thread whose asset was slow does
     * before it claims the next one.
     */
    void submitAndAwait(Entry<T> entry) {
        long ticket = submit(entry);
        boolean interrupted = false;
        synchronized (this) {
            while (settled < ticket && committer.isAlive()) {
                try {
                    wait(1_000);
                } catch (InterruptedException e) {
                    interrupted = true; // the completion is handed over; its commit is still awaited
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many batches were committed and how many completions they held (for benchmarks and logs). */
    synchronized long[] batchesAndCompletions() {
        return new long[] {batches, committed};
    }

    /** Waits until every submitted completion has been committed and reported; then the committer ends. */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        boolean interrupted = false;
        while (committer.isAlive()) {
            try {
                committer.join();
            } catch (InterruptedException e) {
                interrupted = true; // a pending completion must not be left behind
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void commitLoop() {
        while (true) {
            List<Entry<T>> batch;
            synchronized (this) {
                while (waiting.isEmpty() && !closing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // nobody interrupts this thread on purpose; keep serving until closed
                    }
                }
                if (waiting.isEmpty()) {
                    return; // closing, and nothing left
                }
                batch = new ArrayList<>(Math.min(waiting.size(), MAX_WAITING));
                while (!waiting.isEmpty() && batch.size() < MAX_WAITING) {
                    batch.add(waiting.poll());
                }
                notifyAll(); // room for the threads waiting in submit
            }
            try {
                commitAndReport(batch);
            } catch (RuntimeException e) {
                // a report (a listener) failed: the batch itself is settled; keep serving the others
                log.warn("Reporting completions failed: {}", e.toString());
            }
        }
    }

    private void commitAndReport(List<Entry<T>> batch) {
        try {
            List<Completion> completions = new ArrayList<>(batch.size());
            for (Entry<T> e : batch) {
                completions.add(e.completion());
            }
            List<RuntimeException> outcome;
            try {
                outcome = commit.apply(completions);
                if (outcome.size() != batch.size()) {
                    throw new IllegalStateException("A batch of " + batch.size() + " gave " + outcome.size() + " results");
                }
            } catch (RuntimeException e) {
                results.failed(batch, e);
                return;
            }
            synchronized (this) {
                batches++;
                committed += batch.size();
            }
            for (int i = 0; i < batch.size(); i++) {
                if (outcome.get(i) == null) {
                    results.done(batch.get(i));
                } else {
                    results.lost(batch.get(i), outcome.get(i));
                }
            }
        } finally {
            synchronized (this) {
                settled += batch.size();
                notifyAll();
            }
            results.batchEnded();
        }
    }
}
