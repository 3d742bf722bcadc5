package dev.cairn.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Group commit for a store's fenced transitions: the calls that several threads of one process
 * make at about the same time are committed together, in one transaction, by one of them (the
 * leader); the others (followers) wait for it. Each call still succeeds or fails on its own
 * ({@link Batch#commit} gives one result per request), and every call returns only after the
 * transaction holding its request has committed, so {@link CheckpointStore}'s durability ("a
 * returned method has committed") is unchanged.
 *
 * <p><b>How a call goes.</b>
 * <ol>
 *   <li>The request joins the queue.</li>
 *   <li>If no leader is at work, the caller becomes the leader: it takes {@code lock} (the store's
 *       monitor, so the batch is serialized with the store's other methods), then takes every
 *       request queued by then (its own and those that arrived while the previous leader was
 *       committing) and commits them in one {@link Batch#commit}.</li>
 *   <li>Otherwise it waits; when the leader finishes, either its request was in that batch (it
 *       returns, or throws its own failure), or it becomes the next leader.</li>
 * </ol>
 * No thread waits on a timer: a lone caller commits at once, alone; batches form only from the
 * calls that arrive while a commit is under way, so a batch is at most as large as the number of
 * threads calling. (A leader that waited up to 0.2 ms for the other recent callers did halve the
 * commits of 2 worker threads with a no-op processor, but made them slower: the wait and the
 * wake-ups cost more than the commits saved. A {@link Runner} does not wait for its own
 * completions: it hands them to {@link Completions}, which commits them in batches through
 * {@link CheckpointStore#completeAll}; this class serves the callers of {@link CheckpointStore#complete}.)
 *
 * <p><b>Failure.</b> A request the batch refuses on its own (a lost lease) fails only its caller,
 * and the batch must have left its rows untouched; the others commit. If the whole batch fails
 * (its transaction rolled back: a busy database, a lost connection), every caller in it gets that
 * exception and nothing of the batch was committed (a caller retries on its own, as it would
 * have without grouping).
 *
 * @param <R> a request: what one call asks to commit
 */
public final class GroupCommit<R> {

    /** Commits a batch in one transaction. */
    @FunctionalInterface
    public interface Batch<R> {
        /**
         * Commits {@code requests} in one transaction and returns, per request in the same
         * order, null when it committed or the exception its caller gets (such a request changed
         * nothing); throws when the transaction as a whole failed and nothing was committed.
         */
        List<RuntimeException> commit(List<R> requests);
    }

    private static final class Ticket<R> {
        final R request;
        boolean done;
        Throwable failure;

        Ticket(R request) {
            this.request = request;
        }
    }

    private final Object lock;
    private final Batch<R> batch;
    private final List<Ticket<R>> queue = new ArrayList<>();
    private boolean leading;
    private long batches;
    private long requests;

    /**
     * @param lock  the monitor the leader holds while it commits (the store's), so that a batch
     *              never interleaves with the store's other methods
     * @param batch how a batch is committed
     */
    public GroupCommit(Object lock, Batch<R> batch) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.batch = Objects.requireNonNull(batch, "batch");
    }

    /**
     * Commits {@code request} with whatever else is queued; returns once it has committed.
     *
     * @throws RuntimeException the failure of this request, or of its whole batch
     */
    public void submit(R request) {
        Ticket<R> ticket = new Ticket<>(request);
        boolean interrupted = false;
        synchronized (this) {
            queue.add(ticket);
        }
        try {
            while (true) {
                synchronized (this) {
                    while (!ticket.done && leading) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            interrupted = true; // the commit is under way: its result must be awaited
                        }
                    }
                    if (ticket.done) {
                        break;
                    }
                    leading = true;
                }
                lead();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (ticket.failure instanceof RuntimeException e) {
            throw e;
        }
        if (ticket.failure instanceof Error e) {
            throw e;
        }
    }

    /** How many batches were committed and how many requests they held (for benchmarks and logs). */
    public synchronized long[] batchesAndRequests() {
        return new long[] {batches, requests};
    }

    private void lead() {
        List<Ticket<R>> taken = List.of();
        try {
            synchronized (lock) {
                synchronized (this) {
                    taken = new ArrayList<>(queue);
                    queue.clear();
                }
                List<R> requests = new ArrayList<>(taken.size());
                for (Ticket<R> t : taken) {
                    requests.add(t.request);
                }
                List<RuntimeException> results = batch.commit(requests);
                if (results.size() != taken.size()) {
                    throw new IllegalStateException("A batch of " + taken.size() + " gave " + results.size() + " results");
                }
                for (int i = 0; i < taken.size(); i++) {
                    taken.get(i).failure = results.get(i);
                }
            }
        } catch (Throwable e) {
            for (Ticket<R> t : taken) {
                t.failure = e;
            }
        } finally {
            synchronized (this) {
                for (Ticket<R> t : taken) {
                    t.done = true;
                }
                if (!taken.isEmpty()) {
                    batches++;
                    requests += taken.size();
                }
                leading = false;
                notifyAll();
            }
        }
    }
}
